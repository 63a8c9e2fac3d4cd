//! A tiny static file server for the built book, so Chromium loads it over
//! HTTP exactly as GitHub Pages would serve it (`file://` URLs behave
//! differently: no fetch, different origins, different 404s).

use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Serves one directory on 127.0.0.1 from a background thread until dropped.
///
/// Deliberately minimal: GET only, one thread per connection, and every
/// response closes its connection. (tiny_http's keep-alive handling left
/// Chromium waiting for a font now and then, so a page never finished loading.)
pub struct StaticServer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    port: u16,
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub origin: String,
}

impl StaticServer {
    /// Starts serving `dir` on a free port.
    pub fn start(dir: &Path) -> Result<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").context("could not start the local web server")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            let dir = Arc::new(dir.to_path_buf());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let dir = Arc::clone(&dir);
                    // A failed connection only fails that one resource, which
                    // the browser then reports as a page error.
                    std::thread::spawn(move || serve_connection(&dir, stream).ok());
                }
            })
        };
        Ok(Self {
            stop,
            thread: Some(thread),
            port,
            origin: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        // `accept` blocks, so wake it with one last connection after raising the flag.
        self.stop.store(true, Ordering::SeqCst);
        TcpStream::connect(("127.0.0.1", self.port)).ok();
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// Reads one request and answers it with the file it names, or 404.
fn serve_connection(dir: &Path, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers: nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let file = file_for_url(dir, target);
    let (status, content_type, body) = match file.as_deref().map(|f| (f, std::fs::read(f))) {
        Some((file, Ok(body))) => ("200 OK", content_type(file), body),
        _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// The file under `dir` a URL path names (`/` and `/dir/` mean `index.html`),
/// refusing any path that would climb out of `dir`.
fn file_for_url(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode(path)?;
    let mut file = dir.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// Decodes `%XX` escapes (a chapter file name may contain spaces or non-ASCII).
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// The MIME type for the files mdBook writes; browsers refuse to run a script
/// or apply a stylesheet served with the wrong type.
fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" | "rs" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_inside_the_served_directory_only() {
        let dir = std::env::temp_dir().join(format!("xtask-static-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "").unwrap();
        std::fs::write(dir.join("sub/a b.html"), "").unwrap();

        assert_eq!(file_for_url(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(
            file_for_url(&dir, "/sub/a%20b.html?x=1#top"),
            Some(dir.join("sub/a b.html"))
        );
        assert_eq!(file_for_url(&dir, "/../etc/passwd"), None);
        assert_eq!(file_for_url(&dir, "/missing.html"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
