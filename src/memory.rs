//! Handing back to the system the memory a burst of connections freed, and
//! keeping glibc's arenas few. glibc keeps freed memory in its arenas for
//! reuse and returns it only from the top of a heap, so after a flood of
//! connections the process stayed resident near its peak although nothing
//! used that memory. `malloc_trim` returns the free pages. And it gives a
//! thread that finds the arenas busy one of its own, up to eight per core:
//! the runtime's workers, the blocking pool's scans and the store's threads
//! each kept their own free memory, 79 MB resident at a million names after
//! list pages, searches and an export, 60 MB with two arenas
//! (`bench/README.md`). Elsewhere (musl, other systems) this does nothing:
//! their allocators return memory themselves or have no such call.

/// Asks the allocator to return its free pages. It locks each arena in
/// turn, so it is called from a blocking thread, after a burst, not on
/// every connection.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code, reason = "a foreign call that returns free pages")]
pub fn release_freed() {
    // SAFETY: malloc_trim takes no pointers; glibc locks what it walks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Does nothing where the allocator is not glibc's.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() {}

/// Has glibc keep two arenas (the main one and one more) whatever the
/// number of threads. Called once, before the runtime starts its threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code, reason = "a foreign call that sets the allocator's limit")]
pub fn limit_arenas() {
    // SAFETY: mallopt takes two integers; glibc applies them under its lock.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Does nothing where the allocator is not glibc's.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_arenas() {}
