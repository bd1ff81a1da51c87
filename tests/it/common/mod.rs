//! Test harness: starts the real `undersign` binary on 127.0.0.1:0 with a
//! temporary data dir, and talks plain HTTP/1.1 to it over TCP, so tests see
//! exactly the bytes a browser would.

pub mod axe;
pub mod browser;
pub mod console;
pub mod heavy;
pub mod socks;
pub mod vnu;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Config every test server gets unless it says otherwise: no minimum fill
/// time, so tests can sign at once.
pub const TEST_CONFIG: &str = "min_fill_seconds = 0\n";

/// The shipped languages' tags, as their path prefixes.
pub const LANGUAGES: [&str; 5] = ["en", "es", "fa", "ru", "zh-Hans"];

pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
    /// The moderation console's address, when the config enables it.
    pub admin: Option<SocketAddr>,
    pub data: PathBuf,
    pub config: PathBuf,
    /// Everything the server printed on stdout and stderr.
    output: Arc<Mutex<String>>,
    _dir: Option<tempfile::TempDir>,
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as a reader sees it: without the Unicode isolation marks
    /// (U+2068, U+2069) that the catalogues put around each placeable,
    /// which show nothing; `marked` keeps them.
    pub body: String,
    /// The body exactly as sent.
    pub marked: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of the hidden form token in a page with the sign form.
    pub fn form_token(&self) -> String {
        let marker = "name=\"token\" value=\"";
        let start = self.body.find(marker).expect("page has a sign form") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }

    /// The withdrawal code on a thank-you page.
    pub fn withdrawal_code(&self) -> String {
        let start = self.body.find("<p class=\"code\"><code>").expect("thank-you page has a code") + 22;
        let end = self.body[start..].find('<').unwrap() + start;
        self.body[start..end].to_string()
    }
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_undersign")
}

impl Server {
    /// A fresh server with [`TEST_CONFIG`].
    pub fn start() -> Server {
        Server::start_with(TEST_CONFIG)
    }

    /// A fresh server with this TOML config (files it names are relative to
    /// the temporary dir, see [`Server::start_with_files`]).
    pub fn start_with(config: &str) -> Server {
        Server::start_with_files(config, &[])
    }

    pub fn start_with_files(config: &str, files: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let config_path = dir.path().join("undersign.toml");
        // Tests read their own writes at once: no rebuild interval.
        let config = if config.contains("page_rebuild_ms") {
            config.to_string()
        } else {
            format!("page_rebuild_ms = 0\n{config}")
        };
        std::fs::write(&config_path, config).unwrap();
        let data = dir.path().join("data");
        let mut s = Server::spawn(&data, &config_path);
        s._dir = Some(dir);
        s
    }

    /// Starts the binary on an existing data dir and config file.
    pub fn spawn(data: &Path, config: &Path) -> Server {
        Server::spawn_command(&["serve"], data, config)
    }

    /// Starts `undersign ARGS… --listen 127.0.0.1:0 --data DATA --config
    /// CONFIG` (a command that serves, such as `mirror`), and waits for its
    /// start-up line.
    pub fn spawn_command(args: &[&str], data: &Path, config: &Path) -> Server {
        // The tests' own clients hold hundreds of sockets at once, beside
        // the other tests': not within the usual soft limit of 1024.
        static RAISED: std::sync::Once = std::sync::Once::new();
        RAISED.call_once(|| drop(rlimit::increase_nofile_limit(16_384)));
        let mut child = Command::new(binary())
            .args(args)
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .arg("--config")
            .arg(config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start undersign");
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = Arc::clone(&output);
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    output.lock().unwrap().push_str(&line);
                    output.lock().unwrap().push('\n');
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let addr = loop {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no start-up line; output: {}", output.lock().unwrap()));
            if let Some(rest) = line.split("http://").nth(1) {
                let addr: SocketAddr =
                    rest.split([',', ' ']).next().unwrap().parse().expect("address in start-up line");
                let admin = line
                    .split("console on http://")
                    .nth(1)
                    .map(|r| r.split([',', ' ']).next().unwrap().parse().expect("console address"));
                break (addr, admin);
            }
        };
        let (addr, admin) = addr;
        Server {
            child: Some(child),
            addr,
            admin,
            data: data.to_path_buf(),
            config: config.to_path_buf(),
            output,
            _dir: None,
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
            let stopped = wait_at_most(&mut child, Duration::from_secs(15), |c| drop(c.kill()));
            let status = stopped.unwrap_or_else(|| panic!("undersign did not stop on SIGTERM"));
            assert!(status.success(), "undersign exited with {status}: {}", self.output());
        }
    }

    /// SIGKILL: the crash case.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Starts again on the same data dir and config (after stop or kill).
    pub fn restart(mut self) -> Server {
        self.stop();
        let mut next = Server::spawn(&self.data, &self.config);
        next._dir = self._dir.take();
        next
    }

    pub fn request(&self, raw: &[u8]) -> Response {
        request(self.addr, raw)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    }

    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.request(
            format!(
                "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    }

    /// Fetches a fresh form and signs with it. `extra` overrides or adds fields.
    pub fn sign(&self, name: &str, kind: &str, extra: &[(&str, &str)]) -> Response {
        let token = self.get("/").form_token();
        let mut fields = vec![("token", token.as_str()), ("name", name), ("kind", kind), ("listed", "yes")];
        for (k, v) in extra {
            fields.retain(|(f, _)| f != k);
            fields.push((k, v));
        }
        fields.retain(|(_, v)| *v != "<absent>");
        self.post_form("/sign", &fields)
    }

    pub fn json(&self) -> serde_json::Value {
        let r = self.get("/signatories.json");
        assert_eq!(r.status, 200);
        serde_json::from_str(&r.body).unwrap()
    }

    /// Published names in the JSON export.
    pub fn published_names(&self) -> Vec<String> {
        self.json()["signatories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One request on a new connection; reads the response to the end.
pub fn request(addr: SocketAddr, raw: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse_response(&bytes)
}

pub fn parse_response(bytes: &[u8]) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete response head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let marked = String::from_utf8_lossy(&bytes[split + 4..]).to_string();
    let body = marked.replace(['\u{2068}', '\u{2069}'], "");
    Response { status, headers, body, marked }
}

/// The urlencoded body of a listed individual's signature with `token`.
pub fn sign_body(token: &str, name: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("token", token), ("name", name), ("kind", "individual"), ("listed", "yes")])
        .finish()
}

/// Names of the embedded seed, per kind, as the project ships them.
pub fn seed(kind: &str) -> Vec<String> {
    let file = match kind {
        "organization" => "organizations.txt",
        "company" => "companies.txt",
        _ => "individuals.txt",
    };
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content").join(file))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

/// True when running under CI, where tool-dependent checks are required.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// For checks that need an outside tool: under CI a missing tool fails the
/// test; otherwise it prints why it skipped and returns false.
pub fn require_tool(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    assert!(!in_ci(), "{what} is required under CI=true but missing");
    eprintln!("skipped: {what} is not installed");
    false
}

/// Waits for a process at most `limit`. Past it, `stop` ends it (and
/// whatever it started), it is reaped, and the answer is `None`.
pub fn wait_at_most(child: &mut Child, limit: Duration, stop: impl FnOnce(&mut Child)) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            stop(child);
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A request's head as the small fake HTTP servers of the tests read it:
/// byte by byte up to the blank line, at most 16 KiB.
pub fn read_request_head(stream: &mut impl Read) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}
