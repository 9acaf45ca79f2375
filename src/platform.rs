//! What differs between platforms, kept in one place: the console (UTF-8 output, Ctrl+C, a window
//! of its own when blindfold was double-clicked on Windows), the user's language, and files that
//! another program holds open.

use std::io;
use std::time::{Duration, Instant};

/// The user's locale, e.g. `zh_CN.UTF-8` or `zh-CN`: `LC_ALL`, `LC_MESSAGES` or `LANG` when one is
/// set, else (on Windows) the user's default locale.
pub fn user_locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|value| !value.is_empty())
        .or_else(sys::default_locale)
}

/// The console set up for blindfold's output for as long as this value lives.
///
/// On Windows the console's output code page is UTF-8 meanwhile (what blindfold writes is UTF-8,
/// and a Chinese console otherwise reads it as GBK) and the previous code page is put back at the
/// end or on Ctrl+C. Elsewhere it does nothing.
pub struct Console(());

impl Console {
    /// Switches the console to UTF-8 output and handles Ctrl+C (Windows only).
    pub fn setup() -> Console {
        sys::setup_console();
        Console(())
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        sys::restore_console();
    }
}

/// Whether blindfold has a console window of its own: on Windows, when it was started from
/// Explorer (double-clicked) rather than from a command prompt. Always false elsewhere.
pub fn own_console() -> bool {
    sys::own_console()
}

/// Opens `url` in the user's browser (Windows: the default browser; elsewhere `xdg-open` or
/// `open`). Failing to is not an error: the address is printed too.
pub fn open_in_browser(url: &str) {
    let mut command = if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let _ = command
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Writes `bytes` to a new file at `path` that only the user can read (Unix: mode 0600),
/// replacing what was there.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// The folder for the user's own application data: `%LOCALAPPDATA%` on Windows,
/// `$XDG_DATA_HOME` or `~/.local/share` elsewhere; `blindfold` inside it.
pub fn data_dir() -> std::path::PathBuf {
    let from = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let base = if cfg!(windows) {
        from("LOCALAPPDATA").map(std::path::PathBuf::from)
    } else {
        from("XDG_DATA_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| from("HOME").map(|home| std::path::Path::new(&home).join(".local/share")))
    };
    base.unwrap_or_else(std::env::temp_dir).join("blindfold")
}

/// The user's login name, for the record of who corrected a page.
pub fn user_name() -> String {
    ["USERNAME", "USER", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "staff".to_string())
}

/// How many malloc arenas glibc may keep (see [`limit_malloc_arenas`]).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_ARENAS: i32 = 2;

/// Keeps glibc's malloc to a few arenas for the whole process. By default every thread (the
/// workers, ONNX Runtime's) gets an arena of its own, and the page-sized buffers freed in each
/// stay resident: on the dev set at 2 workers a run peaked at 1.2 GB, with two arenas at 0.9 to
/// 1.1 GB, as fast. Call it first thing, before any thread starts. Nothing elsewhere.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter; M_ARENA_MAX takes any positive count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
}

/// Hands the memory freed so far back to the system. Between the pages of a long multi-page
/// image glibc otherwise keeps every freed page buffer resident (its mmap threshold has risen
/// to their size): a 500-page A4 TIFF peaked at 1.56 GB, and at 0.42 GB with this before each
/// page (for 15 % more time, the freed buffers being mapped in again). Nothing elsewhere.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it takes any padding.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Prints `prompt` and waits until Enter is pressed (or the input ends).
pub fn wait_for_enter(prompt: &str) {
    eprint!("{prompt}");
    let mut line = String::new();
    let _ = io::stdin().read_line(&mut line);
}

/// Windows: another process has the file open and shares it with nobody.
const ERROR_SHARING_VIOLATION: i32 = 32;
/// Windows: another process has locked a part of the file.
const ERROR_LOCK_VIOLATION: i32 = 33;

/// Whether `error` says another program holds the file so that nobody else may use it (a Windows
/// sharing or lock violation).
pub fn is_locked(error: &io::Error) -> bool {
    cfg!(windows)
        && matches!(
            error.raw_os_error(),
            Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
        )
}

/// What went wrong with a file, for a manifest line or a message: for a locked file, also what to
/// do about it.
pub fn io_reason(error: &io::Error) -> String {
    if is_locked(error) {
        format!(
            "the file is open in another program that locks it; close it there and run again \
             ({error})"
        )
    } else {
        error.to_string()
    }
}

/// Whether `error` may clear by itself within a moment: on Windows, a virus scanner, an indexer
/// or a viewer holding the file (access denied, sharing or lock violation).
fn is_busy(error: &io::Error) -> bool {
    cfg!(windows) && (error.kind() == io::ErrorKind::PermissionDenied || is_locked(error))
}

/// How long a file operation is retried while the file is busy.
const BUSY_RETRY_FOR: Duration = Duration::from_secs(2);

/// Runs `operation` until it succeeds, fails for a reason other than a busy file, or has been
/// retried for about two seconds; returns its last result.
pub fn retry_while_busy<T>(operation: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    retry(operation, is_busy, BUSY_RETRY_FOR)
}

/// Runs `operation` again, with growing pauses, while it fails with an error that `transient`
/// accepts and `limit` has not passed.
fn retry<T>(
    mut operation: impl FnMut() -> io::Result<T>,
    transient: impl Fn(&io::Error) -> bool,
    limit: Duration,
) -> io::Result<T> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(10);
    loop {
        match operation() {
            Err(e) if transient(&e) && started.elapsed() < limit => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(250));
            }
            result => return result,
        }
    }
}

/// The machine's physical memory in MB, where the system tells it.
pub fn machine_memory_mb() -> Option<u64> {
    sys::machine_memory_mb()
}

#[cfg(windows)]
mod sys {
    use std::sync::atomic::{AtomicU32, Ordering};

    use windows_sys::core::BOOL;
    use windows_sys::Win32::Globalization::{GetUserDefaultLocaleName, CP_UTF8};
    use windows_sys::Win32::System::Console::{
        GetConsoleOutputCP, GetConsoleProcessList, SetConsoleCtrlHandler, SetConsoleOutputCP,
    };
    use windows_sys::Win32::System::SystemInformation::{GlobalMemoryStatusEx, MEMORYSTATUSEX};

    /// What blindfold says when Ctrl+C stops it.
    const INTERRUPTED: &str = "blindfold: interrupted (Ctrl+C). Outputs written so far are kept; \
                               the same `blindfold run` with --resume continues where it stopped.";

    /// The console's output code page before blindfold changed it (0: unchanged).
    static PREVIOUS_CODE_PAGE: AtomicU32 = AtomicU32::new(0);

    pub fn default_locale() -> Option<String> {
        let mut name = [0u16; 85]; // LOCALE_NAME_MAX_LENGTH
                                   // SAFETY: the buffer and its length in UTF-16 units are passed together.
        let len = unsafe { GetUserDefaultLocaleName(name.as_mut_ptr(), name.len() as i32) };
        (len > 1).then(|| String::from_utf16_lossy(&name[..len as usize - 1]))
    }

    pub fn setup_console() {
        // SAFETY: plain calls without pointers; they fail harmlessly without a console.
        unsafe {
            let previous = GetConsoleOutputCP();
            if previous != 0 && previous != CP_UTF8 && SetConsoleOutputCP(CP_UTF8) != 0 {
                PREVIOUS_CODE_PAGE.store(previous, Ordering::SeqCst);
            }
            SetConsoleCtrlHandler(Some(on_ctrl_c), 1);
        }
    }

    pub fn restore_console() {
        let previous = PREVIOUS_CODE_PAGE.swap(0, Ordering::SeqCst);
        if previous != 0 {
            // SAFETY: a plain call without pointers.
            unsafe { SetConsoleOutputCP(previous) };
        }
    }

    /// Ctrl+C or Ctrl+Break: give the console its code page back, say how to go on, then let
    /// Windows end the process as usual.
    unsafe extern "system" fn on_ctrl_c(_event: u32) -> BOOL {
        restore_console();
        eprintln!("\n{INTERRUPTED}");
        0 // not handled: Windows ends the process
    }

    pub fn own_console() -> bool {
        let mut processes = [0u32; 2];
        // SAFETY: the buffer and its length are passed together.
        let count = unsafe { GetConsoleProcessList(processes.as_mut_ptr(), 2) };
        count == 1
    }

    pub fn machine_memory_mb() -> Option<u64> {
        // SAFETY: the struct is zeroed with its length set, as the call requires.
        let mut status: MEMORYSTATUSEX = unsafe { std::mem::zeroed() };
        status.dwLength = std::mem::size_of::<MEMORYSTATUSEX>() as u32;
        // SAFETY: a pointer to that struct, valid for the call.
        let ok = unsafe { GlobalMemoryStatusEx(&mut status) } != 0;
        ok.then_some(status.ullTotalPhys / (1024 * 1024))
    }
}

#[cfg(not(windows))]
mod sys {
    pub fn default_locale() -> Option<String> {
        None
    }

    pub fn setup_console() {}

    pub fn restore_console() {}

    pub fn own_console() -> bool {
        false
    }

    /// `MemTotal` of /proc/meminfo (Linux); elsewhere unknown.
    pub fn machine_memory_mb() -> Option<u64> {
        let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kilobytes / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file operation that fails `failures` times with `kind`, then succeeds.
    fn failing(failures: usize, kind: io::ErrorKind) -> impl FnMut() -> io::Result<usize> {
        let mut calls = 0;
        move || {
            calls += 1;
            if calls <= failures {
                Err(io::Error::from(kind))
            } else {
                Ok(calls)
            }
        }
    }

    #[test]
    fn busy_file_is_retried_until_it_is_free() {
        let denied = |e: &io::Error| e.kind() == io::ErrorKind::PermissionDenied;
        let calls = retry(
            failing(3, io::ErrorKind::PermissionDenied),
            denied,
            Duration::from_secs(5),
        );
        assert_eq!(calls.unwrap(), 4);
    }

    #[test]
    fn other_errors_and_long_waits_are_not_retried() {
        let denied = |e: &io::Error| e.kind() == io::ErrorKind::PermissionDenied;
        let missing = retry(
            failing(1, io::ErrorKind::NotFound),
            denied,
            Duration::from_secs(5),
        );
        assert_eq!(missing.unwrap_err().kind(), io::ErrorKind::NotFound);
        let started = Instant::now();
        let stuck = retry(
            failing(usize::MAX, io::ErrorKind::PermissionDenied),
            denied,
            Duration::from_millis(100),
        );
        assert_eq!(stuck.unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn locked_file_message_says_what_to_do() {
        let locked = io::Error::from_raw_os_error(ERROR_SHARING_VIOLATION);
        let text = io_reason(&locked);
        if cfg!(windows) {
            assert!(text.contains("open in another program"), "{text}");
        } else {
            assert!(!text.contains("another program"), "{text}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_machines_memory_is_known_on_linux() {
        let megabytes = machine_memory_mb().expect("MemTotal in /proc/meminfo");
        assert!(megabytes >= 256, "{megabytes} MB");
    }
}
