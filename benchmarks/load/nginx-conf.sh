# The nginx configuration every benchmark runs nginx with: one worker in the foreground, all its
# files under one folder, no access log, connections kept alive for a whole run. Sourced by lib.sh
# and by benchmarks/mcp/run-toolcall.sh.
nginx_conf() { # folder http-block-body -> the configuration on stdout
  cat <<NGINX_CONF
worker_processes 1;
daemon off;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
  keepalive_requests 1000000;
$2
}
NGINX_CONF
}
