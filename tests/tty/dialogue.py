"""Runs a command in a pseudo-terminal and holds a scripted dialogue with it: for each
PATTERN ANSWER pair, waits for PATTERN (a regular expression) on the screen and types ANSWER.
Prints everything the command wrote and exits with its exit code (99 when it hangs).
Usage: dialogue.py PATTERN ANSWER [PATTERN ANSWER ...] -- COMMAND ARGS..."""
import os
import pty
import re
import select
import sys
import time

split = sys.argv.index("--")
steps = sys.argv[1:split]
command = sys.argv[split + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("COLDSIGN_PASSWORD", None)
    os.environ["COLDSIGN_SCRYPT_LOG_N"] = "10"
    os.execv(command[0], command)
transcript = b""
screen = b""
for pattern, answer in zip(steps[0::2], steps[1::2]):
    deadline = time.time() + 30
    while not re.search(pattern.encode(), screen):
        if time.time() > deadline:
            sys.stdout.write(transcript.decode(errors="replace"))
            sys.exit("never saw %r; screen ends %r" % (pattern, screen[-300:]))
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            sys.stdout.write(transcript.decode(errors="replace"))
            sys.exit("never saw %r; screen ends %r" % (pattern, screen[-300:]))
        screen += chunk
        transcript += chunk
    screen = b""
    os.write(fd, (answer + "\n").encode())
deadline = time.time() + 30
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        chunk = b""
    transcript += chunk
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        sys.stdout.write(transcript.decode(errors="replace"))
        sys.exit(os.waitstatus_to_exitcode(status))
    if not chunk:
        time.sleep(0.05)
os.kill(pid, 9)
os.waitpid(pid, 0)
sys.stdout.write(transcript.decode(errors="replace"))
sys.exit(99)
