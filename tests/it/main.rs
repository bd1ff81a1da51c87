//! The integration tests, as one test binary (`cargo test --test it`), so
//! the suite links once. Each module is one user story; each test starts
//! the real `undersign` binary on 127.0.0.1:0 with a temporary data dir
//! (see `common`).
//!
//! Run one story with a filter on its module path, for example
//! `cargo test --test it signing::`, or one test by its name.

mod common;

mod accessibility;
mod admin;
mod backup;
mod bad_input;
mod browser;
mod closed_letter;
mod command_line;
mod console_pages;
mod deliver;
mod disk_full;
mod durability;
mod html_valid;
mod languages;
mod letter_binding;
mod letter_page;
mod mirror;
mod onionbalance;
mod origin_proxy;
mod privacy;
mod proof;
mod proxy_protocol;
mod removed;
mod replica;
mod security;
mod signing;
mod slow_clients;
mod snapshot;
mod static_export;
mod tor_network;
mod torn_writes;
mod wording;
