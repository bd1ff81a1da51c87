//! A moderator's side of the console: setting a passphrase with the
//! command line, and a client that signs in and posts actions with the
//! session's CSRF token.

use super::{Response, Server};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

/// [`super::TEST_CONFIG`] with the console on a loopback port.
pub const CONSOLE: &str = "min_fill_seconds = 0\nadmin_listen = \"127.0.0.1:0\"\n";
pub const PASSPHRASE: &str = "correct horse battery staple";

/// `undersign admin passphrase` on the server's data dir; checks that the
/// passphrase is never printed.
pub fn set_passphrase(server: &Server, moderator: &str, passphrase: &str) {
    let mut child = Command::new(super::binary())
        .args(["admin", "passphrase", "--moderator", moderator, "--data"])
        .arg(&server.data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{passphrase}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!printed.contains(passphrase), "the passphrase is never printed");
}

/// A moderator's browser: the console address and the session cookie.
pub struct Console {
    pub addr: SocketAddr,
    pub cookie: Option<String>,
}

impl Console {
    pub fn new(server: &Server) -> Console {
        Console { addr: server.admin.expect("console enabled"), cookie: None }
    }

    pub fn cookie_header(&self) -> String {
        self.cookie.as_ref().map(|c| format!("Cookie: undersign_session={c}\r\n")).unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> Response {
        super::request(
            self.addr,
            format!(
                "GET {path} HTTP/1.1\r\nHost: localhost\r\n{}Connection: close\r\n\r\n",
                self.cookie_header()
            )
            .as_bytes(),
        )
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        super::request(
            self.addr,
            format!(
                "POST {path} HTTP/1.1\r\nHost: localhost\r\n{}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                self.cookie_header(),
                body.len()
            )
            .as_bytes(),
        )
    }

    /// Opens the sign-in form as a browser would, then sends it with its
    /// CSRF token and cookie.
    pub fn sign_in(&mut self, moderator: &str, passphrase: &str) -> Response {
        let form =
            super::request(self.addr, b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let login_cookie = form.header("set-cookie").expect("a sign-in cookie").split(';').next().unwrap();
        let marker = "name=\"csrf\" value=\"";
        let start = form.body.find(marker).expect("a CSRF token in the sign-in form") + marker.len();
        let csrf = &form.body[start..start + form.body[start..].find('"').unwrap()];
        let fields = [("csrf", csrf), ("moderator", moderator), ("passphrase", passphrase)];
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let r = super::request(
            self.addr,
            format!(
                "POST /login HTTP/1.1\r\nHost: localhost\r\nCookie: {login_cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
        if let Some(set) = r.header("set-cookie") {
            let value = set.split(';').next().unwrap().split_once('=').unwrap().1;
            self.cookie = Some(value.to_string());
        }
        r
    }

    /// The CSRF token from any console page.
    pub fn csrf(&self) -> String {
        let page = self.get("/");
        let marker = "name=\"csrf\" value=\"";
        let start = page.body.find(marker).expect("a form with a CSRF token") + marker.len();
        page.body[start..start + page.body[start..].find('"').unwrap()].to_string()
    }

    /// Posts an action with the session's CSRF token.
    pub fn act(&self, action: &str, ids: &[u64], extra: &[(&str, &str)]) -> Response {
        let csrf = self.csrf();
        let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
        let mut fields = vec![("csrf", csrf.as_str()), ("action", action), ("return", "/queue")];
        fields.extend(ids.iter().map(|i| ("id", i.as_str())));
        fields.extend_from_slice(extra);
        self.post("/action", &fields)
    }

    /// Signature ids on the queue page, newest first.
    pub fn queue_ids(&self, query: &str) -> Vec<u64> {
        let page = self.get(&format!("/queue{query}"));
        assert_eq!(page.status, 200);
        page.body
            .split("name=\"id\" value=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect()
    }
}

/// Sets alice's passphrase and signs her in.
pub fn signed_in(server: &Server) -> Console {
    set_passphrase(server, "alice", PASSPHRASE);
    let mut console = Console::new(server);
    assert_eq!(console.sign_in("alice", PASSPHRASE).status, 303);
    console
}
