//! One writer per folder: `run`, `check` and a staff server hold an exclusive lock on an output
//! folder's lock file while they write into it, and a server on its page cache. The operating
//! system releases it when the process ends, however it ends, so a lock left by a crash never
//! blocks the next run, and a cache whose lock can be taken belongs to no live server.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// The lock file in a locked folder. It is not part of a run's results.
pub const LOCK_FILE: &str = "blindfold.lock";

/// The held lock on a folder; dropping it releases the folder.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

impl FolderLock {
    /// Locks the existing folder `out` for `command`, or fails with [`Error::Busy`] naming the
    /// process that holds it.
    pub fn acquire(out: &Path, command: &str) -> Result<FolderLock> {
        let path = out.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "a process that has just started".to_string(),
                    text => text.to_string(),
                };
                return Err(Error::Busy {
                    folder: out.to_path_buf(),
                    holder,
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        let holder = format!("blindfold {command}, process {}", std::process::id());
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(holder.as_bytes()))
            .map_err(|e| Error::io(&path, e))?;
        Ok(FolderLock { _file: file })
    }

    /// Whether a process holds `out` now. Looking takes a shared lock for a moment, so it writes
    /// nothing; a writer starting in that moment is refused as if busy.
    pub fn is_held(out: &Path) -> bool {
        let Ok(file) = File::open(out.join(LOCK_FILE)) else {
            return false;
        };
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
                false
            }
            Err(TryLockError::WouldBlock) => true,
            Err(TryLockError::Error(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_who_holds_the_folder_until_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = FolderLock::acquire(out, "run").unwrap();
        let second = FolderLock::acquire(out, "serve").unwrap_err();
        let message = second.to_string();
        assert!(matches!(second, Error::Busy { .. }), "{second:?}");
        assert!(message.contains("blindfold run, process"), "{message}");
        drop(first);
        FolderLock::acquire(out, "serve").unwrap();
    }
}
