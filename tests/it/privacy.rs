//! Nothing about a visitor is kept or printed: a signer's user agent,
//! forwarded address and referrer appear neither in the data dir nor in the
//! server's output, which holds only the start-up line.

use crate::common::{self, Server};

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_signers_browser_details_are_nowhere() {
    let mut server = Server::start();
    let user_agent = "ProbeAgent/7.3-f4c1b9e2";
    let forwarded = "203.0.113.77";
    let referrer = "http://referrer-probe-5d2a.example/";
    let token = server.get("/").form_token();
    let body = common::sign_body(&token, "Private Signer");
    let r = server.request(
        format!(
            "POST /sign HTTP/1.1\r\nHost: x\r\nUser-Agent: {user_agent}\r\nX-Forwarded-For: {forwarded}\r\nX-Real-IP: {forwarded}\r\nReferer: {referrer}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 200);
    // And a refused request with the same details.
    let refused = server.request(
        format!("GET /nowhere HTTP/1.1\r\nHost: x\r\nUser-Agent: {user_agent}\r\nX-Forwarded-For: {forwarded}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(refused.status, 404);
    for page in [&r.body, &refused.body] {
        assert!(!page.contains(user_agent) && !page.contains(forwarded) && !page.contains("127.0.0.1"));
    }
    server.stop();

    let files = files_under(&server.data);
    assert!(files.len() > 2, "the data dir holds the store");
    let mut signer_found = false;
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for needle in [user_agent, forwarded, "referrer-probe-5d2a", "127.0.0.1"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in {}",
                file.display()
            );
        }
        signer_found |= bytes.windows(14).any(|w| w == b"Private Signer");
    }
    assert!(signer_found, "the search would have seen the stored signature");

    let output = server.output();
    assert!(!output.contains(user_agent) && !output.contains(forwarded));
    assert_eq!(output.lines().count(), 1, "only the start-up line: {output}");
}
