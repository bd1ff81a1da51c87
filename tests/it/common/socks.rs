//! A small SOCKS5 proxy for tests (no authentication, CONNECT only), as
//! tor's SocksPort is to undersign: it accepts host names only (ATYP 3),
//! records each name and port asked for, so a test sees what the server
//! asked for and that it resolved nothing itself, and leads each name to
//! the loopback address the test's `route` gives (none: refused).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy was asked for, in order: `NAME:PORT`, or `an address
/// (type N)` for a request that carried an address instead of a name.
pub type Asked = Arc<Mutex<Vec<String>>>;

/// Starts the proxy on 127.0.0.1; its address.
pub fn proxy(asked: Asked, route: impl Fn(&str) -> Option<SocketAddr> + Send + Sync + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let route = Arc::new(route);
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let (asked, route) = (Arc::clone(&asked), Arc::clone(&route));
            std::thread::spawn(move || {
                let mut greeting = [0u8; 2];
                client.read_exact(&mut greeting).unwrap();
                let mut methods = vec![0u8; greeting[1] as usize];
                client.read_exact(&mut methods).unwrap();
                client.write_all(&[5, 0]).unwrap();
                let mut request = [0u8; 4];
                client.read_exact(&mut request).unwrap();
                assert_eq!(&request[..2], &[5, 1], "a CONNECT");
                if request[3] != 3 {
                    // An address: the name was resolved before the proxy.
                    asked.lock().unwrap().push(format!("an address (type {})", request[3]));
                    let _ = client.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0]);
                    return;
                }
                let mut len = [0u8; 1];
                client.read_exact(&mut len).unwrap();
                let mut name = vec![0u8; len[0] as usize];
                client.read_exact(&mut name).unwrap();
                let mut port = [0u8; 2];
                client.read_exact(&mut port).unwrap();
                let name = String::from_utf8(name).unwrap();
                asked.lock().unwrap().push(format!("{name}:{}", u16::from_be_bytes(port)));
                let Some(Ok(upstream)) = route(&name).map(TcpStream::connect) else {
                    let _ = client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
                    return;
                };
                client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).unwrap();
                let (mut up_read, mut client_read) =
                    (upstream.try_clone().unwrap(), client.try_clone().unwrap());
                let (mut up_write, mut client_write) = (upstream, client);
                let there = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut client_read, &mut up_write);
                    let _ = up_write.shutdown(std::net::Shutdown::Write);
                });
                let _ = std::io::copy(&mut up_read, &mut client_write);
                let _ = client_write.shutdown(std::net::Shutdown::Write);
                let _ = there.join();
            });
        }
    });
    addr
}

/// Whether `host` is a v3 onion name: 56 base32 characters and `.onion`.
pub fn is_onion_v3(host: &str) -> bool {
    host.strip_suffix(".onion")
        .is_some_and(|id| id.len() == 56 && id.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7')))
}
