//! Poison-tolerant locking, used by every lock in the crate: a panic is caught at the FFI
//! boundary (or inside a user callback), so the data behind a poisoned lock is still whole and
//! the library goes on using it rather than failing every later call.

use std::sync::{
    Condvar, LockResult, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
    WaitTimeoutResult,
};
use std::time::Duration;

fn unpoisoned<G>(r: LockResult<G>) -> G {
    r.unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    unpoisoned(m.lock())
}

pub(crate) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    unpoisoned(l.read())
}

pub(crate) fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    unpoisoned(l.write())
}

pub(crate) fn wait<'a, T>(cv: &Condvar, g: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    unpoisoned(cv.wait(g))
}

pub(crate) fn wait_timeout<'a, T>(
    cv: &Condvar,
    g: MutexGuard<'a, T>,
    d: Duration,
) -> (MutexGuard<'a, T>, WaitTimeoutResult) {
    unpoisoned(cv.wait_timeout(g, d))
}
