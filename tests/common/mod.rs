//! What the end-to-end test files share: the binary, scratch directories, a deterministic
//! random source, and the request line of a tiny HTTP server.
#![allow(dead_code)] // each test file uses its own part of it

use std::io::BufRead;
use std::path::PathBuf;
use std::process::Command;

/// The `parallax` binary, run from the repository root, with no store or model from the
/// environment.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("PARALLAX_DB");
    c.env_remove("PARALLAX_EMBED_MODEL");
    c
}

/// A fresh, empty scratch directory for one test.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("parallax-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// xorshift64: the same "random" texts on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// An index below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Reads an HTTP request's head from a connection: (path, the whole head).
pub fn read_request(stream: &std::net::TcpStream) -> (String, String) {
    let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    (path, head)
}
