"""Drives `coldsign key new` through a pseudo-terminal like a person would: settles the
password first (typing it twice; in mode `retry` first two entries that differ and an empty
one, which must be asked again), then reads the words off the screen, presses Enter and
answers the words asked back (correctly, or one wrongly in mode `wrong`).
Usage: key_new.py BINARY KEYSTORE ok|wrong|retry. Prints the screen; exits with coldsign's
exit code."""
import os
import pty
import re
import select
import sys
import time

binary, keystore, mode = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.environ["COLDSIGN_SCRYPT_LOG_N"] = "10"
    os.environ.pop("COLDSIGN_PASSWORD", None)
    os.execv(binary, [binary, "--keystore", keystore, "key", "new", "--words", "12"])

screen = b""
transcript = b""


def expect(pattern, timeout=20):
    global screen, transcript
    deadline = time.time() + timeout
    while time.time() < deadline:
        match = re.search(pattern, screen)
        if match:
            return match
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        screen += chunk
        transcript += chunk
    sys.stdout.write(transcript.decode(errors="replace"))
    sys.exit("timed out waiting for %r; screen ends %r" % (pattern, screen[-300:]))


def answer(pattern, text):
    global screen
    expect(pattern)
    screen = b""
    os.write(fd, (text + "\n").encode())


if mode == "retry":
    answer(rb"new password for the keystore: ", "one")
    answer(rb"repeat it: ", "two")
    expect(rb"the two entries differ; try again")
    answer(rb"new password for the keystore: ", "")
    expect(rb"must not be empty; try again")
answer(rb"new password for the keystore: ", "tty password")
answer(rb"repeat it: ", "tty password")
# No word may be on the screen before the password is settled.
assert not re.search(rb"\d+\. \w+", transcript.split(b"repeat it")[0]), transcript
expect(rb"press Enter")
words = {int(n): w.decode() for n, w in re.findall(rb"(\d+)\. (\w+)", screen)}
assert len(words) == 12, words
os.write(fd, b"\n")
for i in range(3):
    match = expect(rb"word #(\d+): $")
    screen = b""
    wrong = mode == "wrong" and i == 1
    os.write(fd, (("zoo" if wrong else words[int(match.group(1))]) + "\n").encode())
    if wrong:
        break
if mode == "wrong":
    expect(rb"destroy that paper")
else:
    expect(rb"keystore written")
_, status = os.waitpid(pid, 0)
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    transcript += chunk
sys.stdout.write(transcript.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
