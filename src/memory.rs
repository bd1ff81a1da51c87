//! Handing back to the system the memory a burst of connections freed.
//! glibc keeps freed memory in its arenas for reuse and returns it only from
//! the top of a heap, so after a flood of connections the process stayed
//! resident near its peak although nothing used that memory. `malloc_trim`
//! returns the free pages. Elsewhere (musl, other systems) this does
//! nothing: their allocators return memory themselves or have no such call.

/// Asks the allocator to return its free pages. It locks each arena in
/// turn, so it is called from a blocking thread, after a burst, not on
/// every connection.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code, reason = "the one foreign call of the crate")]
pub fn release_freed() {
    // SAFETY: malloc_trim takes no pointers; glibc locks what it walks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Does nothing where the allocator is not glibc's.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() {}
