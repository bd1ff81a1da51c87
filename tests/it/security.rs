//! What an outside audit found, each closed: the console's sessions end
//! with their passphrase and at their age, it answers only to its own
//! names, and its forms cannot send a moderator off-site; requests whose
//! framing is ambiguous or whose head is too large are refused by the
//! server's own pages, with every security header; and a mirror neither
//! floods its disk for a lying chunk list nor shows the letter's markup
//! unsanitised.

use crate::common::console::{set_passphrase, signed_in, Console, CONSOLE, PASSPHRASE};
use crate::common::{self, Server};
use std::time::{Duration, Instant};

/// A signed-in moderator's session ends at her next request once her
/// passphrase is changed from the command line, while the server runs.
#[test]
fn a_session_ends_when_its_passphrase_changes() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    assert_eq!(console.get("/").status, 200);
    set_passphrase(&server, "alice", "a brand new passphrase");
    let after = console.get("/");
    assert_eq!((after.status, after.header("location")), (303, Some("/login")));
    let mut again = Console::new(&server);
    assert_eq!(again.sign_in("alice", PASSPHRASE).status, 401, "the old passphrase is gone");
    assert_eq!(again.sign_in("alice", "a brand new passphrase").status, 303);
}

/// A session in constant use still ends `admin_session_max_minutes` after
/// signing in.
#[test]
fn a_busy_session_ends_at_its_age() {
    let server = Server::start_with(&format!("{CONSOLE}admin_session_max_minutes = 0.05\n"));
    let console = signed_in(&server);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        assert_eq!(console.get("/").status, 200, "used, so not idle");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(console.get("/").header("location"), Some("/login"), "past three seconds");
}

/// A page elsewhere that rebinds its name to 127.0.0.1 reaches the
/// console's port with its own name as `Host`: refused, whatever it asks.
#[test]
fn the_console_refuses_a_host_that_is_not_its_own() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    let admin = server.admin.unwrap();
    for host in ["evil.example", &format!("evil.example:{}", admin.port()), "127.0.0.1.evil.example"] {
        let r = common::request(
            admin,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\n{}Connection: close\r\n\r\n", console.cookie_header())
                .as_bytes(),
        );
        assert_eq!(r.status, 421, "{host}");
        assert!(r.body.contains("This console answers only to its own address."), "{}", r.body);
        assert!(!r.body.contains("Signed in as"), "{host}");
        assert!(r.header("content-security-policy").is_some());
    }
    for host in ["localhost", &format!("127.0.0.1:{}", admin.port()), "[::1]:9000"] {
        let r = common::request(
            admin,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\n{}Connection: close\r\n\r\n", console.cookie_header())
                .as_bytes(),
        );
        assert_eq!(r.status, 200, "{host}");
    }
}

/// A `return` field with a TAB (which browsers drop from a `Location`,
/// making `/\t/evil.example/` read as `//evil.example/`) goes back to the
/// console's start, not off-site.
#[test]
fn a_return_field_cannot_redirect_off_the_console() {
    let server = Server::start_with(CONSOLE);
    let console = signed_in(&server);
    for to in ["/\t/evil.example/", "/\\evil.example", "//evil.example", "/\n/evil.example"] {
        let r = console.post("/action", &[("csrf", &console.csrf()), ("action", "pause"), ("return", to)]);
        assert_eq!((r.status, r.header("location")), (303, Some("/")), "{to:?}");
    }
    let r = console.post("/action", &[("csrf", &console.csrf()), ("action", "resume"), ("return", "/queue")]);
    assert_eq!((r.status, r.header("location")), (303, Some("/queue")));
}
