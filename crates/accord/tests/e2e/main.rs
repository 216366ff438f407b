//! End-to-end tests: a real Accord server on 127.0.0.1 (in-process, with a manual clock), driven
//! over HTTP, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

mod accounts;
mod api;
mod attestation;
mod authentication;
mod authority;
mod authz_matrix;
mod bad_input;
mod binary;
mod blind_bidding;
mod browser;
mod case_actions;
mod co_mediation;
mod confidentiality;
mod crash;
mod external_tools;
mod fuzz;
mod lifecycle_property;
mod meetings;
mod negotiation;
mod notification_crash;
mod notifications;
mod operations;
mod pages;
mod paging;
mod paired_runs;

mod rule_versions;
mod rules;
mod scenarios;
mod transparency;
mod ui_security;
mod vault;
