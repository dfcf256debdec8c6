# Sourced by the host scripts: the settings of .env (the one home of every
# setting) as environment variables, each unless the caller already set it,
# which is the precedence Docker Compose gives them too.
# shellcheck shell=bash
load_settings() {
  local file="${1:-.env}" line name
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    name="${line%%=*}"
    [ -n "${!name+set}" ] || export "$line"
  done <"$file"
}
