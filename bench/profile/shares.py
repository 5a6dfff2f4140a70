#!/usr/bin/env python3
"""Shares of a node's CPU samples in a JFR recording (jdk.ExecutionSample), as the gateway's profiles were read.

    bench/profile/shares.py FILE.jfr layers [N]              exclusive share of each layer (filter, servlet, RPC stage)
    bench/profile/shares.py FILE.jfr under LAYER [DEPTH] [N]  what runs right below one layer, DEPTH frames deep
    bench/profile/shares.py FILE.jfr inc FRAME [N]            inclusive shares of the frames a frame calls
    bench/profile/shares.py FILE.jfr callers FRAME [DEPTH]    who calls a frame, DEPTH frames up

LAYER and FRAME are regular expressions over frames such as `io.cleave.gateway.web.RequestObservation.doFilterInternal`.
A layer is the innermost frame of a sample that is a filter's, servlet's, valve's or RPC stage's entry method
(doFilter, service, invoke, call, ...), chain plumbing and reflection left out: a sample counts for the layer whose own
code, or the code it calls outside any other layer, was running. The samples are read with the JDK's `jfr print`
(found beside $JAVA_HOME's java, else on the PATH); shares are of all samples, in percent.
"""

import collections
import os
import re
import shutil
import subprocess
import sys

LAYER = re.compile(r'\.(doFilter|doFilterInternal|doService|doDispatch|invoke|service|call|handle|process|doRun|run)$')
PLUMBING = re.compile(r'(ApplicationFilterChain|VirtualFilterChain|OncePerRequestFilter\.doFilter$|CompositeFilter'
                      r'|FilterChainProxy\$|DelegatingFilterProxy|GenericFilterBean|Method\.invoke'
                      r'|DirectMethodHandleAccessor|reflect)')
FRAME = re.compile(r'^\s+([\w$.<>/]+)\(.*?\)\s+line:', re.M)


def samples(recording):
    """Each sample's frames, innermost first."""
    jfr = os.path.join(os.environ.get('JAVA_HOME', ''), 'bin', 'jfr')
    if not os.access(jfr, os.X_OK):
        jfr = shutil.which('jfr') or sys.exit('no jfr tool: set JAVA_HOME to a JDK 21+')
    text = subprocess.run([jfr, 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '200', recording],
                          check=True, capture_output=True, text=True).stdout
    return [frames for frames in (FRAME.findall(event) for event in text.split('jdk.ExecutionSample')[1:]) if frames]


def layer_of(frames):
    """The index of a sample's innermost layer frame, or None."""
    return next((i for i, frame in enumerate(frames) if LAYER.search(frame) and not PLUMBING.search(frame)), None)


def report(counter, total, limit):
    for key, count in counter.most_common(limit):
        print(f'{100 * count / total:5.1f}% {key}')


def layers(all_samples, limit=45):
    counter = collections.Counter()
    for frames in all_samples:
        i = layer_of(frames)
        counter['?' if i is None else frames[i]] += 1
    report(counter, len(all_samples), int(limit))


def under(all_samples, pattern, depth=1, limit=25):
    target, depth, counter, matched = re.compile(pattern), int(depth), collections.Counter(), 0
    for frames in all_samples:
        i = layer_of(frames)
        if i is not None and target.search(frames[i]):
            matched += 1
            counter[' > '.join(reversed(frames[max(0, i - depth):i])) or '(self)'] += 1
    print(f'{100 * matched / len(all_samples):.1f}% total')
    report(counter, len(all_samples), int(limit))


def inc(all_samples, pattern, limit=40):
    root, counter, matched = re.compile(pattern), collections.Counter(), 0
    for frames in all_samples:
        i = next((i for i, frame in enumerate(frames) if root.search(frame)), None)
        if i is not None:
            matched += 1
            counter.update(set(frames[:i]))
    print(f'{100 * matched / len(all_samples):.1f}% total')
    report(counter, len(all_samples), int(limit))


def callers(all_samples, pattern, depth=1):
    target, depth, counter, matched = re.compile(pattern), int(depth), collections.Counter(), 0
    for frames in all_samples:
        i = next((i for i, frame in enumerate(frames) if target.search(frame)), None)
        if i is not None:
            while i + 1 < len(frames) and target.search(frames[i + 1]):
                i += 1  # the outermost of a recursion
            matched += 1
            counter[' <- '.join(frames[i:i + 1 + depth])] += 1
    print(f'{100 * matched / len(all_samples):.1f}% total')
    report(counter, len(all_samples), 25)


if __name__ == '__main__':
    commands = {'layers': layers, 'under': under, 'inc': inc, 'callers': callers}
    if len(sys.argv) < 3 or sys.argv[2] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[2]](samples(sys.argv[1]), *sys.argv[3:])
