#!/usr/bin/env bash
# nginx + ModSecurity v3 + OWASP CRS for the side-by-side detection eval and benchmark.
#   setup.sh install                                   install the Debian packages when missing
#   setup.sh run DIR PORT UPSTREAM_PORT PARANOIA       write DIR/nginx.conf and run nginx in the foreground
# `run` execs nginx (daemon off, master process = this process), so the caller stops it with SIGTERM.
set -euo pipefail

PACKAGES=(nginx libnginx-mod-http-modsecurity modsecurity-crs)
MODULE=/usr/lib/nginx/modules/ngx_http_modsecurity_module.so
CRS_SETUP=/etc/modsecurity/crs/crs-setup.conf
CRS_RULES=/usr/share/modsecurity-crs/rules
UNICODE_MAP=/etc/nginx/unicode.mapping

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  for p in "${missing[@]}"; do
    # grep reads everything (no -q): with pipefail, an early exit would fail apt-cache with SIGPIPE.
    if ! apt-cache policy "$p" | grep 'Candidate: [0-9]' >/dev/null; then
      echo "setup.sh: package $p is not available from this machine's Debian sources" >&2
      exit 3
    fi
  done
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: run as root (or install ${missing[*]} with apt-get)" >&2
    exit 3
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

write_config() {
  local dir=$1 port=$2 upstream_port=$3 paranoia=$4
  mkdir -p "$dir/tmp" "$dir/logs"
  # Anomaly-scoring CRS in blocking mode. CRS 3.3 (Debian 12) reads tx.paranoia_level; CRS 4 names
  # the same knob tx.blocking_paranoia_level: both are set so the script works with either.
  cat >"$dir/modsecurity.conf" <<CONF
SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\\+|/)|text/)xml" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRequestBodyLimit 13107200
SecRequestBodyNoFilesLimit 1048576
SecRequestBodyLimitAction Reject
SecRequestBodyJsonDepthLimit 512
SecArgumentsLimit 100000
SecRule REQBODY_ERROR "!@eq 0" "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.'"
SecPcreMatchLimit 1000
SecPcreMatchLimitRecursion 1000
SecResponseBodyAccess Off
SecAuditEngine Off
SecTmpDir $dir/tmp
SecDataDir $dir/tmp
SecArgumentSeparator &
SecCookieFormat 0
SecUnicodeMapFile $UNICODE_MAP 20127
SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=$paranoia,setvar:tx.blocking_paranoia_level=$paranoia"
Include $CRS_SETUP
Include $CRS_RULES/*.conf
CONF
  local user_line=''
  [ "$(id -u)" -eq 0 ] && user_line='user root;'
  cat >"$dir/nginx.conf" <<CONF
load_module $MODULE;
$user_line
worker_processes 1;
pid $dir/nginx.pid;
# ModSecurity writes every rule match to the error log: keep only what breaks.
error_log $dir/logs/error.log crit;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  client_max_body_size 2m;
  client_body_buffer_size 1m;
  large_client_header_buffers 4 32k;
  keepalive_requests 100000;
  modsecurity on;
  modsecurity_rules_file $dir/modsecurity.conf;
  upstream bench { server 127.0.0.1:$upstream_port; keepalive 64; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
}

case "${1:-}" in
  install)
    install_packages
    ;;
  run)
    [ $# -eq 5 ] || { echo "usage: setup.sh run DIR PORT UPSTREAM_PORT PARANOIA" >&2; exit 2; }
    install_packages
    write_config "$2" "$3" "$4" "$5"
    exec nginx -p "$2" -c "$2/nginx.conf" -g 'daemon off;'
    ;;
  *)
    echo "usage: setup.sh install | run DIR PORT UPSTREAM_PORT PARANOIA" >&2
    exit 2
    ;;
esac
