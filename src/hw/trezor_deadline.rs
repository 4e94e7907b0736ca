//! A read deadline for any trezor-client transport. trezor-client's own transports wait for
//! the device forever (WebUSB reads with libusb's timeout 0, the emulator's UDP socket has no
//! read timeout), so [`DeadlineTransport`] runs the transport on a thread of its own and gives
//! up when an answer takes longer than its timeout. The error it returns is recognised by
//! [`timed_out`] and reported as [`super::DeviceError::Timeout`].

use std::fmt;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use trezor_client::transport::error::Error as TransportError;
use trezor_client::transport::{ProtoMessage, Transport};

/// What the caller asks of the transport.
enum Op {
    Begin,
    End,
    Write(ProtoMessage),
    Read,
}

/// What the transport answered.
enum Reply {
    Done(Result<(), TransportError>),
    Message(Result<ProtoMessage, TransportError>),
}

/// The device did not answer within the timeout (carried inside an I/O error of kind
/// `TimedOut`).
#[derive(Debug)]
struct NoAnswer(Duration);

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no answer within {}", humantime::format_duration(self.0))
    }
}

impl std::error::Error for NoAnswer {}

/// The error of a transport that waited `after` for an answer in vain.
pub fn no_answer(after: Duration) -> TransportError {
    TransportError::IO(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        NoAnswer(after),
    ))
}

/// How long the transport waited, when `error` is its timeout ([`no_answer`]).
pub fn timed_out(error: &TransportError) -> Option<Duration> {
    match error {
        TransportError::IO(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<NoAnswer>())
            .map(|NoAnswer(after)| *after),
        _ => None,
    }
}

/// A trezor-client transport whose every operation ends within a timeout.
pub struct DeadlineTransport {
    ops: Sender<Op>,
    replies: Mutex<Receiver<Reply>>,
    timeout: Duration,
    /// Set once an operation timed out: the device's thread may still be blocked in it, so
    /// every later operation fails at once (no second wait, no reply out of order).
    gave_up: bool,
}

impl DeadlineTransport {
    /// Moves `inner` to a thread of its own; each operation waits at most `timeout`.
    pub fn new(mut inner: Box<dyn Transport>, timeout: Duration) -> Self {
        let (ops, requests) = mpsc::channel::<Op>();
        let (answers, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for op in requests {
                let reply = match op {
                    Op::Begin => Reply::Done(inner.session_begin()),
                    Op::End => Reply::Done(inner.session_end()),
                    Op::Write(message) => Reply::Done(inner.write_message(message)),
                    Op::Read => Reply::Message(inner.read_message()),
                };
                if answers.send(reply).is_err() {
                    break;
                }
            }
        });
        DeadlineTransport {
            ops,
            replies: Mutex::new(replies),
            timeout,
            gave_up: false,
        }
    }

    fn run(&mut self, op: Op) -> Result<Reply, TransportError> {
        let gone = || TransportError::DeviceDisconnected;
        if self.gave_up {
            return Err(no_answer(self.timeout));
        }
        self.ops.send(op).map_err(|_| gone())?;
        let replies = self.replies.get_mut().map_err(|_| gone())?;
        match replies.recv_timeout(self.timeout) {
            Ok(reply) => Ok(reply),
            Err(RecvTimeoutError::Timeout) => {
                self.gave_up = true;
                Err(no_answer(self.timeout))
            }
            Err(RecvTimeoutError::Disconnected) => Err(gone()),
        }
    }

    fn done(&mut self, op: Op) -> Result<(), TransportError> {
        match self.run(op)? {
            Reply::Done(result) => result,
            Reply::Message(_) => Err(TransportError::DeviceDisconnected),
        }
    }
}

impl Transport for DeadlineTransport {
    fn session_begin(&mut self) -> Result<(), TransportError> {
        self.done(Op::Begin)
    }

    fn session_end(&mut self) -> Result<(), TransportError> {
        self.done(Op::End)
    }

    fn write_message(&mut self, message: ProtoMessage) -> Result<(), TransportError> {
        self.done(Op::Write(message))
    }

    fn read_message(&mut self) -> Result<ProtoMessage, TransportError> {
        match self.run(Op::Read)? {
            Reply::Message(result) => result,
            Reply::Done(_) => Err(TransportError::DeviceDisconnected),
        }
    }
}
