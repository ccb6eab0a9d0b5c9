//! For tests only: a real HTTP server on 127.0.0.1 that answers each request with what the test
//! says, so the fetcher, the crawler and the CLI are tested against real sockets, not mocks.
//! One implementation for every crate's tests, so a fix to how requests are read lands once.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

/// Reads an HTTP message's head (request or response) up to its blank line, leaving the body
/// in `reader`.
pub fn read_head(reader: &mut impl BufRead) -> String {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    head
}

/// Reads an HTTP request's head from a connection: (path, the whole head).
fn read_request(stream: &TcpStream) -> (String, String) {
    let head = read_head(&mut BufReader::new(stream.try_clone().expect("a connection that can be read")));
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    (path, head)
}

/// A server on 127.0.0.1 that answers every request with `respond(path, request head)`: status
/// line, headers and body, written as given (see [`reply`]). It serves until the test process
/// ends, a thread per connection, so a slow answer does not hold up the next request.
pub fn serve(respond: impl Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static) -> SocketAddr {
    serve_with(|_| respond)
}

/// [`serve`], with the answers made once the server's base URL (`http://127.0.0.1:PORT`) is
/// known: for pages and feeds that link to the site itself.
pub fn serve_with<R: Fn(&str, &str) -> Vec<u8> + Send + Sync + 'static>(make: impl FnOnce(&str) -> R) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    let addr = listener.local_addr().expect("the port bound");
    let respond = Arc::new(make(&format!("http://{addr}")));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let respond = respond.clone();
            std::thread::spawn(move || {
                let (path, head) = read_request(&stream);
                let mut stream = stream;
                let _ = stream.write_all(&respond(&path, &head));
            });
        }
    });
    addr
}

/// A whole HTTP/1.1 response: `status` ("200 OK"), the headers, a Content-Length and
/// `Connection: close`, then the body.
pub fn reply(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len()).into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_request_is_answered_with_what_the_test_returns_for_its_path() {
        let addr = serve(|path, head| reply("200 OK", &[("X-Asked", path)], head.lines().next().unwrap_or("").as_bytes()));
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /news/1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got).unwrap();
        assert!(got.starts_with("HTTP/1.1 200 OK\r\n"), "{got}");
        assert!(got.contains("X-Asked: /news/1\r\n"), "{got}");
        assert!(got.ends_with("\r\n\r\nGET /news/1 HTTP/1.1"), "{got}");
    }

    #[test]
    fn answers_may_name_the_sites_own_address() {
        let addr = serve_with(|base| {
            let link = format!("{base}/next");
            move |_: &str, _: &str| reply("200 OK", &[], link.as_bytes())
        });
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got).unwrap();
        assert!(got.ends_with(&format!("\r\n\r\nhttp://{addr}/next")), "{got}");
    }
}
