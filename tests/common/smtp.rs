//! A real SMTP server on 127.0.0.1 for the tests (mailin-embedded): it stores every
//! message it accepts, and can answer chosen recipients with an error code (a given
//! number of times, or always) or hold a message's final reply until told to go on.

#![allow(dead_code)]

use mailin_embedded::{response, Handler, Response, Server, SslConfig};
use std::collections::HashMap;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// A message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Recipient → (reply code, how many more times; None: always).
    refuse: HashMap<String, (u16, Option<usize>)>,
    /// Every RCPT the server was asked for, refused or not.
    attempts: Vec<String>,
    /// A recipient whose message is stored, then its reply held until `release`.
    hold: Option<String>,
    /// Messages to `hold`'s recipient that go through before the one held.
    hold_skip: usize,
    holding: bool,
    released: bool,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    state: Arc<(Mutex<State>, Condvar)>,
}

#[derive(Clone)]
struct Session {
    state: Arc<(Mutex<State>, Condvar)>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.to.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let (lock, _) = &*self.state;
        let mut state = lock.lock().unwrap();
        state.attempts.push(to.to_string());
        if let Some((code, left)) = state.refuse.get_mut(to) {
            let code = *code;
            match left {
                Some(0) => {}
                Some(n) => {
                    *n -= 1;
                    return Response::custom(code, format!("refused for {to}"));
                }
                None => return Response::custom(code, format!("refused for {to}")),
            }
        }
        self.to.push(to.to_string());
        response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let (lock, changed) = &*self.state;
        let mut state = lock.lock().unwrap();
        state.received.push(Received { to: self.to.clone(), data: std::mem::take(&mut self.data) });
        let for_held = state.hold.as_ref().is_some_and(|h| self.to.contains(h));
        if for_held && state.hold_skip > 0 {
            state.hold_skip -= 1;
        } else if for_held {
            state.hold = None;
            state.holding = true;
            changed.notify_all();
            // The message is stored; its "250 OK" waits (a client killed meanwhile never
            // learns that it went through).
            while !state.released {
                state = changed.wait(state).unwrap();
            }
        }
        response::OK
    }
}

impl SmtpServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        Self::on(listener)
    }

    /// Starts a server on `port` of 127.0.0.1 (one a test found free before).
    pub fn start_on(port: u16) -> SmtpServer {
        Self::on(TcpListener::bind(("127.0.0.1", port)).expect("the port is free again"))
    }

    fn on(listener: TcpListener) -> SmtpServer {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let session = Session { state: state.clone(), to: Vec::new(), data: Vec::new() };
        let mut server = Server::new(session);
        server.with_name("smtp.test").with_num_threads(8).with_tcp_listener(listener);
        server.with_ssl(SslConfig::None).expect("no TLS");
        // Runs until the test process ends: mailin-embedded has no stop.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, state }
    }

    /// Refuses `recipient` with `code` (such as 451 or 550), `times` times or always.
    pub fn refuse(&self, recipient: &str, code: u16, times: Option<usize>) {
        self.state.0.lock().unwrap().refuse.insert(recipient.to_string(), (code, times));
    }

    pub fn accept_all(&self) {
        self.state.0.lock().unwrap().refuse.clear();
    }

    /// Holds the reply to a message for `recipient`, after `skip` others for it went
    /// through (see [`Self::wait_until_holding`]).
    pub fn hold(&self, recipient: &str, skip: usize) {
        let mut state = self.state.0.lock().unwrap();
        state.hold = Some(recipient.to_string());
        state.hold_skip = skip;
    }

    /// Waits until a held message has arrived; panics after a generous minute, so that a
    /// broken test fails instead of hanging.
    pub fn wait_until_holding(&self) {
        let (lock, changed) = &*self.state;
        let state = lock.lock().unwrap();
        let (state, _) = changed.wait_timeout_while(state, Duration::from_secs(120), |s| !s.holding).unwrap();
        assert!(state.holding, "no message arrived to hold");
    }

    pub fn release(&self) {
        let (lock, changed) = &*self.state;
        lock.lock().unwrap().released = true;
        changed.notify_all();
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.0.lock().unwrap().received.clone()
    }

    /// How many messages went to `recipient`.
    pub fn count_to(&self, recipient: &str) -> usize {
        self.received().iter().filter(|m| m.to.iter().any(|t| t == recipient)).count()
    }

    /// Every RCPT asked for `recipient`, refused or not.
    pub fn attempts_for(&self, recipient: &str) -> usize {
        self.state.0.lock().unwrap().attempts.iter().filter(|t| *t == recipient).count()
    }
}

/// A port of 127.0.0.1 with nothing listening (free when this returns).
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
