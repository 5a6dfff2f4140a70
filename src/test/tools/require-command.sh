#!/usr/bin/env bash
# Prints the path of COMMAND, installing the Debian PACKAGE that ships it if it is missing and this
# machine can install it (root, apt-get). Otherwise fails saying exactly what to install.
# Used by the tests that drive real servers and clients (etcd, etcdctl, …), so `./mvnw verify`
# needs nothing installed by hand.
#   usage: require-command.sh COMMAND PACKAGE
set -euo pipefail
command_name=$1
package=$2

if found=$(command -v "$command_name"); then
    echo "$found"
    exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    # One installer at a time: parallel test JVMs may ask for packages together.
    exec 9>/tmp/cleave-apt.lock
    flock 9
    if ! command -v "$command_name" >/dev/null; then
        echo "require-command: installing Debian package $package for $command_name" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends "$package" >&2 \
            || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "$package" >&2; }
    fi
    if found=$(command -v "$command_name"); then
        echo "$found"
        exit 0
    fi
fi
echo "require-command: '$command_name' is not installed; install the Debian package '$package'" \
     "(as root: apt-get update && apt-get install $package)" >&2
exit 1
