#!/bin/sh
# dev/need.sh PACKAGE CHECK...: make sure a tool `make test` needs is there. CHECK is a command
# that succeeds when it is. If not, install Debian's PACKAGE when we are root (a fresh CI machine),
# or say in one line how to.
package=$1
shift
if "$@" >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $package (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "$package" >/dev/null && "$@" >/dev/null 2>&1 && exit 0
    echo "could not install $package with apt-get" >&2
    exit 1
fi
echo "make test needs $package: install it with \`sudo apt-get install -y $package\` (Debian/Ubuntu), then run make test again" >&2
exit 1
