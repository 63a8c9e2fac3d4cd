//! A tiny static file server for the built book, so Chromium loads it over
//! HTTP exactly as GitHub Pages would serve it (`file://` URLs behave
//! differently: no fetch, different origins, different 404s).

use anyhow::{Result, anyhow};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Serves one directory on 127.0.0.1 from a background thread until dropped.
pub struct StaticServer {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub origin: String,
}

impl StaticServer {
    /// Starts serving `dir` on a free port.
    pub fn start(dir: &Path) -> Result<Self> {
        let server = tiny_http::Server::http("127.0.0.1:0")
            .map_err(|error| anyhow!("could not start the local web server: {error}"))?;
        let port = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| anyhow!("the local web server is not on an IP port"))?
            .port();
        let server = Arc::new(server);
        let thread = {
            let server = Arc::clone(&server);
            let dir = dir.to_path_buf();
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    respond(&dir, request);
                }
            })
        };
        Ok(Self {
            server,
            thread: Some(thread),
            origin: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        // Ends `incoming_requests`, so the thread finishes and can be joined.
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// Answers one request with the file it names, or 404.
fn respond(dir: &Path, request: tiny_http::Request) {
    let response = match file_for_url(dir, request.url())
        .and_then(|p| std::fs::read(&p).ok().map(|b| (p, b)))
    {
        Some((path, bytes)) => {
            let content_type = tiny_http::Header::from_bytes("Content-Type", content_type(&path))
                .expect("a static header is valid");
            tiny_http::Response::from_data(bytes).with_header(content_type)
        }
        None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
    };
    // The browser may have given up on the request; nothing to do then.
    request.respond(response).ok();
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
