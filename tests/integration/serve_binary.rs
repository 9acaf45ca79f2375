//! `blindfold serve` as started from the command line: it listens on 127.0.0.1, prints the
//! address with its key, and lets in only the browser that has the key.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::common::Process;

/// Sends one HTTP/1.1 request and returns the whole answer as text.
fn get(port: u16, target: &str, cookie: Option<&str>) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_prints_a_keyed_loopback_address_and_refuses_requests_without_the_key() {
    let data = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_blindfold"))
        .args(["serve", "--no-browser", "--port", "0", "--data"])
        .arg(data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut server = Process(child);
    // Kept open while the server runs, as a terminal would be.
    let mut stdout = BufReader::new(server.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("blindfold serve: http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));
    let (port, target) = url.split_once('/').unwrap();
    let port: u16 = port.parse().unwrap();
    assert!(target.starts_with("?token="), "{url}");

    assert!(get(port, "/", None).starts_with("HTTP/1.1 401"));
    let exchanged = get(port, &format!("/{target}"), None);
    assert!(exchanged.starts_with("HTTP/1.1 303"), "{exchanged}");
    let cookie = exchanged
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let page = get(port, "/", Some(&cookie));
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<script src=\"/assets/app.js\" defer></script>"));
    assert!(page
        .to_lowercase()
        .contains("content-security-policy: default-src 'none'"));
}
