//! The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo to watch their
//! folder on a stable compiler: without this, a new migration file is left out of an
//! incremental build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
