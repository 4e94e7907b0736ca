"""Drives `coldsign key new` through a pseudo-terminal like a person would: reads the words
off the screen, presses Enter, answers the words asked back (correctly, or one wrongly), and
types the password twice. Usage: key_new.py BINARY KEYSTORE ok|wrong. Exits with coldsign's
exit code."""
import os
import pty
import re
import sys
import time

binary, keystore, mode = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.environ["COLDSIGN_SCRYPT_LOG_N"] = "10"
    os.execv(binary, [binary, "--keystore", keystore, "key", "new", "--words", "12"])

screen = b""


def expect(pattern, timeout=20):
    global screen
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            screen += os.read(fd, 4096)
        except OSError:
            break
        match = re.search(pattern, screen)
        if match:
            return match
    sys.exit("timed out waiting for %r; screen ends %r" % (pattern, screen[-300:]))


expect(rb"press Enter")
words = {int(n): w.decode() for n, w in re.findall(rb"(\d+)\. (\w+)", screen)}
assert len(words) == 12, words
os.write(fd, b"\n")
for i in range(3):
    match = expect(rb"word #(\d+): $")
    screen = b""
    answer = "zoo" if mode == "wrong" and i == 1 else words[int(match.group(1))]
    os.write(fd, (answer + "\n").encode())
    if mode == "wrong" and i == 1:
        break
if mode == "ok":
    expect(rb"new password for the keystore: ")
    screen = b""
    os.write(fd, b"tty password\n")
    expect(rb"repeat it: ")
    screen = b""
    os.write(fd, b"tty password\n")
    expect(rb"keystore written")
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
