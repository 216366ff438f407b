//! End-to-end tests: a real Accord server on 127.0.0.1 (in-process, with a manual clock), driven
//! over HTTP, on SQLite and on PostgreSQL.

mod harness;

mod api;
mod bad_input;
mod binary;

mod scenarios;
