//! Headless Chromium, driven over the DevTools protocol: open a page, collect
//! its script errors, run the probe and take a screenshot.

use anyhow::{Context, Result, anyhow, bail};
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::Runtime::{ConsoleAPICalledEventTypeOption, RemoteObject};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde::Deserialize;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest any single step (a page load, a DevTools call) may take.
/// Every wait is bounded, so a wedged browser fails the check instead of hanging it.
const STEP_TIMEOUT: Duration = Duration::from_secs(45);

/// Flags that keep Chromium from phoning home or waiting on anything but the page.
const CHROMIUM_FLAGS: [&str; 7] = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
    "--mute-audio",
];

/// What the probe (probe.js) reports about one page.
#[derive(Deserialize)]
pub struct Probe {
    /// Mermaid blocks on the page.
    pub diagrams: usize,
    /// The diagrams that did not become a proper `<svg>`.
    pub failures: Vec<DiagramFailure>,
    /// Every `id` (and `<a name>`) a `#fragment` may point at.
    pub anchors: Vec<String>,
    /// Every link to this site (external links are left out).
    pub links: Vec<Link>,
    /// Code blocks wider than their box, which a reader would have to scroll.
    #[serde(rename = "wideCode")]
    pub wide_code: Vec<WideCode>,
    /// Predict-the-output questions on the page.
    pub quizzes: usize,
    /// What is wrong with their widgets, one line each (the probe drives every one).
    #[serde(rename = "quizProblems")]
    pub quiz_problems: Vec<String>,
    /// Tables wider than the page, which scroll sideways too.
    #[serde(rename = "wideTables")]
    pub wide_tables: Vec<WideTable>,
}

/// A table that scrolls sideways: its first cell, its width and the page's, in pixels.
#[derive(Deserialize)]
pub struct WideTable {
    /// The text of its first header cell, enough for a writer to find it.
    #[serde(rename = "firstCell")]
    pub first_cell: String,
    /// How wide the table is.
    pub width: usize,
    /// How wide its box is.
    pub fits: usize,
}

/// A code block that scrolls sideways: its widest line, and how many characters fit.
#[derive(Deserialize)]
pub struct WideCode {
    /// The start of the widest line, enough for a writer to find it.
    pub widest: String,
    /// That line's length in characters.
    pub chars: usize,
    /// How many characters the block's box holds.
    pub fits: usize,
}

/// A mermaid block that did not render.
#[derive(Deserialize)]
pub struct DiagramFailure {
    /// What went wrong.
    pub why: String,
    /// Its position among the page's `pre.mermaid` blocks (-1 if it is not one).
    pub index: i64,
    /// Its mermaid source, when the page still has it.
    pub source: Option<String>,
}

/// A link found on a page, resolved against the page's URL.
#[derive(Deserialize)]
pub struct Link {
    /// The `href` as written.
    pub raw: String,
    /// The decoded URL path, or `None` if the `href` is not a valid URL.
    pub path: Option<String>,
    /// The decoded `#fragment`, empty when there is none.
    pub fragment: String,
}

/// What opening one page showed.
pub struct PageVisit {
    pub probe: Probe,
    /// Uncaught exceptions, `console.error` calls and browser-logged errors
    /// (such as a script that failed to load).
    pub page_errors: Vec<String>,
}

/// A running headless Chromium with one tab; dropping it kills the browser.
pub struct Chromium {
    // Field order matters: the tab and browser go before the profile directory.
    tab: Arc<Tab>,
    errors: Arc<Mutex<Vec<String>>>,
    _browser: Browser,
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts Debian's Chromium headless, with a fresh profile.
    pub fn launch() -> Result<Self> {
        let binary = chromium_binary()?;
        let profile = tempfile::Builder::new()
            .prefix("xtask-chromium-")
            .tempdir()
            .context("could not create a Chromium profile directory")?;
        let options = LaunchOptions {
            path: Some(binary.clone()),
            headless: true,
            // We run as root in CI containers, where Chromium's sandbox cannot start.
            sandbox: false,
            enable_gpu: false,
            window_size: Some((1280, 900)),
            user_data_dir: Some(profile.path().to_path_buf()),
            idle_browser_timeout: STEP_TIMEOUT,
            args: CHROMIUM_FLAGS.iter().map(OsStr::new).collect(),
            ..LaunchOptions::default()
        };
        let browser = Browser::new(options)
            .with_context(|| format!("could not start {} headless", binary.display()))?;
        let tab = browser.new_tab().context("could not open a Chromium tab")?;
        tab.set_default_timeout(STEP_TIMEOUT);
        let errors = Arc::new(Mutex::new(Vec::new()));
        listen_for_errors(&tab, Arc::clone(&errors))?;
        Ok(Self {
            tab,
            errors,
            _browser: browser,
            _profile: profile,
        })
    }

    /// Loads `url`, waits for it (and its diagrams) to finish, and probes it.
    pub fn visit(&self, url: &str) -> Result<PageVisit> {
        self.take_errors();
        self.tab
            .navigate_to(url)
            .with_context(|| format!("could not open {url}"))?;
        self.wait_until_loaded(url)?;
        let probe = self.run_probe().with_context(|| format!("probing {url}"))?;
        Ok(PageVisit {
            probe,
            page_errors: self.take_errors(),
        })
    }

    /// Saves a PNG of the current page, scrolled to its first diagram.
    pub fn screenshot(&self, file: &Path) -> Result<()> {
        self.tab.evaluate(
            "document.querySelector('pre.mermaid')?.scrollIntoView({ block: 'center' })",
            false,
        )?;
        let png = self
            .tab
            .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
            .context("could not take a screenshot")?;
        std::fs::write(file, png).with_context(|| format!("could not write {}", file.display()))
    }

    /// Polls until the tab shows `url` with its `load` event done. The page's own
    /// `document.readyState` is unambiguous; headless_chrome's `wait_until_navigated`
    /// follows lifecycle events that race with `navigate_to` returning.
    fn wait_until_loaded(&self, url: &str) -> Result<()> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        let loaded = format!("{url} complete");
        while Instant::now() < deadline {
            // Errors are expected while the old page is torn down: just retry.
            let state = self
                .tab
                .evaluate("`${location.href} ${document.readyState}`", false);
            if let Ok(state) = state {
                if state.value.as_ref().and_then(|v| v.as_str()) == Some(loaded.as_str()) {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("{url} did not finish loading within {STEP_TIMEOUT:?}")
    }

    fn run_probe(&self) -> Result<Probe> {
        let result = self.tab.evaluate(include_str!("probe.js"), true)?;
        let Some(serde_json::Value::String(json)) = result.value else {
            bail!("the probe script failed: {}", describe(&result));
        };
        serde_json::from_str(&json).context("the probe script returned malformed JSON")
    }

    /// The errors reported since the last call, each once (Chromium logs a
    /// failed resource load twice).
    fn take_errors(&self) -> Vec<String> {
        let mut errors = std::mem::take(&mut *self.errors.lock().expect("error list lock"));
        let mut seen = std::collections::HashSet::new();
        errors.retain(|error| seen.insert(error.clone()));
        errors
    }
}

/// Subscribes to the three ways a page reports a problem and records each one.
fn listen_for_errors(tab: &Tab, errors: Arc<Mutex<Vec<String>>>) -> Result<()> {
    tab.enable_runtime()?;
    tab.enable_log()?;
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Some(error) = error_in(event) {
            errors.lock().expect("error list lock").push(error);
        }
    }))?;
    Ok(())
}

/// The error an event reports, if it reports one.
fn error_in(event: &Event) -> Option<String> {
    match event {
        Event::RuntimeExceptionThrown(thrown) => {
            let details = &thrown.params.exception_details;
            let message = details
                .exception
                .as_ref()
                .map_or_else(|| details.text.clone(), describe);
            let place = details.url.as_deref().unwrap_or("inline script");
            Some(format!(
                "uncaught exception: {message} (at {place}:{})",
                details.line_number + 1
            ))
        }
        Event::RuntimeConsoleAPICalled(call)
            if call.params.Type == ConsoleAPICalledEventTypeOption::Error =>
        {
            let words: Vec<String> = call.params.args.iter().map(describe).collect();
            Some(format!("console.error: {}", words.join(" ")))
        }
        Event::LogEntryAdded(added) if added.params.entry.level == LogEntryLevel::Error => {
            let entry = &added.params.entry;
            let url = entry.url.as_deref().unwrap_or_default();
            Some(format!("browser error: {} {url}", entry.text))
        }
        _ => None,
    }
}

/// A JavaScript value as the DevTools console would print it.
fn describe(value: &RemoteObject) -> String {
    match (&value.value, &value.description) {
        (Some(serde_json::Value::String(text)), _) => text.clone(),
        (Some(other), _) => other.to_string(),
        (None, Some(description)) => description.lines().next().unwrap_or_default().to_string(),
        (None, None) => format!("{:?}", value.Type),
    }
}

/// Debian's Chromium: `/usr/bin/chromium`, else `chromium` on `PATH`.
fn chromium_binary() -> Result<PathBuf> {
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return Ok(debian);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            anyhow!(
                "Chromium is not installed; the render check needs it: `apt-get install chromium` (Debian)"
            )
        })
}
