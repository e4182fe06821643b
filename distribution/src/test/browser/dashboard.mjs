// Drives the admin dashboard in a real headless Chromium (Debian's /usr/bin/chromium).
// Usage: node dashboard.mjs ADMIN_URL TRAFFIC_URL SCREENSHOT_PATH [TOOL_TO_APPROVE]
// Checks that the page loads, that live numbers change while traffic flows, and, given a tool
// name, that approving it from the page clears it from the pending list. Exit 0 on success.
import { chromium } from "playwright-core";

const [admin, traffic, screenshot, tool] = process.argv.slice(2);
if (!admin || !traffic || !screenshot) {
  console.error("usage: node dashboard.mjs ADMIN_URL TRAFFIC_URL SCREENSHOT_PATH [TOOL_TO_APPROVE]");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const fail = async message => {
  console.error("FAIL: " + message);
  await browser.close();
  process.exit(1);
};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", e => errors.push(e.message));
  page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(admin + "/dashboard");
  await page.waitForSelector("#meta:not(:has-text('connecting'))", { timeout: 10000 });

  const total = async () => page.evaluate(() =>
      [...document.querySelectorAll('.layer [data-field="requests"]')].reduce((n, e) => n + Number(e.textContent), 0));
  const before = await total();
  const sent = [];
  for (let i = 0; i < 20; i++) sent.push(fetch(traffic).then(r => r.arrayBuffer()));
  await Promise.all(sent);
  await page.waitForFunction(b => [...document.querySelectorAll('.layer [data-field="requests"]')]
      .reduce((n, e) => n + Number(e.textContent), 0) >= b + 20, before, { timeout: 10000 });
  const after = await total();
  console.log(`live requests on the page: ${before} -> ${after}`);

  if (process.env.EXPECT_SPEND) {
    await page.waitForSelector("#usage-body table", { timeout: 10000 });
    console.log("spend per consumer is listed");
  }

  if (tool) {
    const button = page.locator(`#approvals button[data-tool="${tool}"]`);
    await button.waitFor({ timeout: 10000 });
    await button.click();
    await page.waitForFunction(t => !document.querySelector(`#approvals button[data-tool="${t}"]`), tool, { timeout: 10000 });
    console.log(`approved ${tool} from the page`);
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  if (errors.length) await fail("errors in the page: " + errors.join("; "));
  console.log("OK " + screenshot);
} catch (e) {
  await fail(e.message);
}
await browser.close();
