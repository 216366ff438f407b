//! The sqlx bounds the generic store needs, gathered in one place.
//!
//! Rust carries a trait's supertraits to its users but not the rest of its `where` clause, so a
//! store generic over sqlx's `Database` would have to repeat a dozen bounds (`String: Encode<DB>`,
//! `&mut DB::Connection: Executor`, …) on every port it implements. Here they are stated once, as
//! supertraits of [`SqlDatabase`] on the database type itself, with a blanket impl for every sqlx
//! database that meets them (SQLite and PostgreSQL do). [`query`], [`query_scalar`] and
//! [`query_as`] mirror sqlx's functions of the same names on top of those bounds, so the ports
//! read like ordinary sqlx code: `query(SQL).bind(id).fetch_optional(&self.pool)`.

use std::marker::PhantomData;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use sqlx::query::Query;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, SqlSafeStr,
    Transaction, Type,
};

/// A statement under construction, in sqlx's own representation.
type SqlxQuery<DB> = Query<'static, DB, <DB as Database>::Arguments>;

/// The database can take a `T` as a statement parameter. (`'a` is the lifetime sqlx's `Encode`
/// takes; a borrowed `T` binds at its own lifetime, `Binds<'a, Option<&'a str>>`.)
pub trait Binds<'a, T>: Database {
    /// Adds `value` as the next parameter of `query`.
    fn bind_value(query: SqlxQuery<Self>, value: T) -> SqlxQuery<Self>;
}

impl<'a, DB, T> Binds<'a, T> for DB
where
    DB: Database,
    T: Encode<'a, DB> + Type<DB>,
{
    fn bind_value(query: SqlxQuery<Self>, value: T) -> SqlxQuery<Self> {
        query.bind(value)
    }
}

/// The database can hand back a column as a `T`, found by name or by position.
pub trait Reads<T>: Database {
    /// The column called `column` of `row`.
    fn read_named(row: &Self::Row, column: &str) -> Result<T, sqlx::Error>;
    /// The column at `index` of `row` (for `COUNT(*)` and other unnamed columns).
    fn read_at(row: &Self::Row, index: usize) -> Result<T, sqlx::Error>;
}

impl<DB, T> Reads<T> for DB
where
    DB: Database,
    T: for<'r> Decode<'r, DB> + Type<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    fn read_named(row: &Self::Row, column: &str) -> Result<T, sqlx::Error> {
        row.try_get(column)
    }

    fn read_at(row: &Self::Row, index: usize) -> Result<T, sqlx::Error> {
        row.try_get(index)
    }
}

/// A sqlx database with everything the generic store asks of it: its connections and pools run
/// statements, and it binds and reads the handful of Rust types the store's columns use (text,
/// 64-bit integers, bytes, and each of them nullable).
pub trait SqlDatabase:
    Database<Arguments: IntoArguments<Self>>
    + for<'a> Binds<'a, i64>
    + for<'a> Binds<'a, Option<i64>>
    + for<'a> Binds<'a, String>
    + for<'a> Binds<'a, &'a str>
    + for<'a> Binds<'a, Option<&'a str>>
    + for<'a> Binds<'a, &'a String>
    + for<'a> Binds<'a, &'a Option<String>>
    + for<'a> Binds<'a, &'a [u8]>
    + for<'a> Binds<'a, Option<&'a [u8]>>
    + for<'a> Binds<'a, &'a Vec<u8>>
    + for<'a> Binds<'a, &'a Option<Vec<u8>>>
    + Reads<i64>
    + Reads<Option<i64>>
    + Reads<String>
    + Reads<Option<String>>
    + Reads<Vec<u8>>
    + Reads<Option<Vec<u8>>>
{
    /// What runs a statement on a pool (sqlx: `&Pool<DB>`).
    type OnPool<'p>: Executor<'p, Database = Self>;
    /// What runs a statement on one connection, such as a transaction's (sqlx: `&mut DB::Connection`).
    type OnConnection<'c>: Executor<'c, Database = Self>;

    /// The pool as an executor.
    fn on_pool(pool: &Pool<Self>) -> Self::OnPool<'_>;
    /// The connection as an executor.
    fn on_connection(connection: &mut Self::Connection) -> Self::OnConnection<'_>;
}

impl<DB> SqlDatabase for DB
where
    DB: Database<Arguments: IntoArguments<DB>>
        + for<'a> Binds<'a, i64>
        + for<'a> Binds<'a, Option<i64>>
        + for<'a> Binds<'a, String>
        + for<'a> Binds<'a, &'a str>
        + for<'a> Binds<'a, Option<&'a str>>
        + for<'a> Binds<'a, &'a String>
        + for<'a> Binds<'a, &'a Option<String>>
        + for<'a> Binds<'a, &'a [u8]>
        + for<'a> Binds<'a, Option<&'a [u8]>>
        + for<'a> Binds<'a, &'a Vec<u8>>
        + for<'a> Binds<'a, &'a Option<Vec<u8>>>
        + Reads<i64>
        + Reads<Option<i64>>
        + Reads<String>
        + Reads<Option<String>>
        + Reads<Vec<u8>>
        + Reads<Option<Vec<u8>>>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type OnPool<'p> = &'p Pool<DB>;
    type OnConnection<'c> = &'c mut DB::Connection;

    fn on_pool(pool: &Pool<Self>) -> Self::OnPool<'_> {
        pool
    }

    fn on_connection(connection: &mut Self::Connection) -> Self::OnConnection<'_> {
        connection
    }
}

/// Where a statement runs: the pool (`&self.pool`) or an open transaction (`&mut tx`).
pub trait RunsOn<'c, DB: SqlDatabase> {
    /// The sqlx executor behind it.
    type Executor: Executor<'c, Database = DB>;
    /// Turns it into the sqlx executor.
    fn executor(self) -> Self::Executor;
}

impl<'c, DB: SqlDatabase> RunsOn<'c, DB> for &'c Pool<DB> {
    type Executor = DB::OnPool<'c>;

    fn executor(self) -> Self::Executor {
        DB::on_pool(self)
    }
}

impl<'c, DB: SqlDatabase> RunsOn<'c, DB> for &'c mut Transaction<'_, DB> {
    type Executor = DB::OnConnection<'c>;

    fn executor(self) -> Self::Executor {
        DB::on_connection(self)
    }
}

/// A statement and its parameters (sqlx's `query`).
pub struct Statement<DB: SqlDatabase> {
    query: SqlxQuery<DB>,
}

/// Starts a statement whose rows are read with [`ReadColumn::read`].
pub fn query<DB: SqlDatabase>(sql: impl SqlSafeStr) -> Statement<DB> {
    Statement {
        query: sqlx::query(sql),
    }
}

impl<DB: SqlDatabase> Statement<DB> {
    /// Adds the next parameter (`$1`, `$2`, … in order).
    pub fn bind<'a, T>(self, value: T) -> Self
    where
        DB: Binds<'a, T>,
    {
        Statement {
            query: DB::bind_value(self.query, value),
        }
    }

    /// Runs the statement for its effect.
    //
    // These return sqlx's boxed futures rather than being `async fn`s: an `async fn` generic
    // over `impl RunsOn<'c, DB>` would keep the executor's type inside the future, and the
    // compiler then fails to prove the ports' futures `Send` for every lifetime ("implementation
    // of `RunsOn` is not general enough").
    pub fn execute<'c>(
        self,
        on: impl RunsOn<'c, DB>,
    ) -> BoxFuture<'c, Result<DB::QueryResult, sqlx::Error>> {
        on.executor().execute(self.query)
    }

    /// Every row.
    pub fn fetch_all<'c>(
        self,
        on: impl RunsOn<'c, DB>,
    ) -> BoxFuture<'c, Result<Vec<DB::Row>, sqlx::Error>> {
        on.executor().fetch_all(self.query)
    }

    /// The first row, if any.
    pub fn fetch_optional<'c>(
        self,
        on: impl RunsOn<'c, DB>,
    ) -> BoxFuture<'c, Result<Option<DB::Row>, sqlx::Error>> {
        on.executor().fetch_optional(self.query)
    }

    /// The rows one by one, for results too large to hold at once.
    pub fn fetch<'c>(self, on: impl RunsOn<'c, DB>) -> BoxStream<'c, Result<DB::Row, sqlx::Error>> {
        on.executor().fetch(self.query)
    }
}

/// Reading a column of a row as a Rust value (sqlx's `Row::try_get` over [`Reads`]).
pub trait ReadColumn {
    /// The database the row comes from.
    type Db: Database;
    /// The column called `column`, as a `T`.
    fn read<T>(&self, column: &str) -> Result<T, sqlx::Error>
    where
        Self::Db: Reads<T>;
}

impl<R: Row> ReadColumn for R {
    type Db = R::Database;

    fn read<T>(&self, column: &str) -> Result<T, sqlx::Error>
    where
        Self::Db: Reads<T>,
    {
        <R::Database as Reads<T>>::read_named(self, column)
    }
}

/// A row of several unnamed columns read by position (sqlx's tuples in `query_as`).
pub trait FromColumns<DB: Database>: Sized {
    /// The value from the row's leading columns.
    fn from_columns(row: &DB::Row) -> Result<Self, sqlx::Error>;
}

impl<DB: Reads<A> + Reads<B>, A, B> FromColumns<DB> for (A, B) {
    fn from_columns(row: &DB::Row) -> Result<Self, sqlx::Error> {
        Ok((DB::read_at(row, 0)?, DB::read_at(row, 1)?))
    }
}

impl<DB: Reads<A> + Reads<B> + Reads<C>, A, B, C> FromColumns<DB> for (A, B, C) {
    fn from_columns(row: &DB::Row) -> Result<Self, sqlx::Error> {
        Ok((
            DB::read_at(row, 0)?,
            DB::read_at(row, 1)?,
            DB::read_at(row, 2)?,
        ))
    }
}

impl<DB, A, B, C, E, F> FromColumns<DB> for (A, B, C, E, F)
where
    DB: Reads<A> + Reads<B> + Reads<C> + Reads<E> + Reads<F>,
{
    fn from_columns(row: &DB::Row) -> Result<Self, sqlx::Error> {
        Ok((
            DB::read_at(row, 0)?,
            DB::read_at(row, 1)?,
            DB::read_at(row, 2)?,
            DB::read_at(row, 3)?,
            DB::read_at(row, 4)?,
        ))
    }
}

impl<DB, A, B, C, E, F, G> FromColumns<DB> for (A, B, C, E, F, G)
where
    DB: Reads<A> + Reads<B> + Reads<C> + Reads<E> + Reads<F> + Reads<G>,
{
    fn from_columns(row: &DB::Row) -> Result<Self, sqlx::Error> {
        Ok((
            DB::read_at(row, 0)?,
            DB::read_at(row, 1)?,
            DB::read_at(row, 2)?,
            DB::read_at(row, 3)?,
            DB::read_at(row, 4)?,
            DB::read_at(row, 5)?,
        ))
    }
}

/// A statement whose rows are read as `O`: one column (`query_scalar`) or a tuple (`query_as`).
pub struct Typed<DB: SqlDatabase, O> {
    statement: Statement<DB>,
    read: fn(&DB::Row) -> Result<O, sqlx::Error>,
    output: PhantomData<fn() -> O>,
}

/// Starts a statement whose rows are one column, read as `O` (sqlx's `query_scalar`).
pub fn query_scalar<DB, O>(sql: impl SqlSafeStr) -> Typed<DB, O>
where
    DB: SqlDatabase + Reads<O>,
{
    Typed {
        statement: query(sql),
        read: |row| DB::read_at(row, 0),
        output: PhantomData,
    }
}

/// Starts a statement whose rows are read by position as the tuple `O` (sqlx's `query_as`).
pub fn query_as<DB, O>(sql: impl SqlSafeStr) -> Typed<DB, O>
where
    DB: SqlDatabase,
    O: FromColumns<DB>,
{
    Typed {
        statement: query(sql),
        read: O::from_columns,
        output: PhantomData,
    }
}

impl<DB: SqlDatabase, O> Typed<DB, O> {
    /// Adds the next parameter (`$1`, `$2`, … in order).
    pub fn bind<'a, T>(self, value: T) -> Self
    where
        DB: Binds<'a, T>,
    {
        Typed {
            statement: self.statement.bind(value),
            ..self
        }
    }

    /// Every row.
    pub async fn fetch_all<'c>(self, on: impl RunsOn<'c, DB>) -> Result<Vec<O>, sqlx::Error> {
        let rows = self.statement.fetch_all(on).await?;
        rows.iter().map(self.read).collect()
    }

    /// The first row, if any.
    pub async fn fetch_optional<'c>(
        self,
        on: impl RunsOn<'c, DB>,
    ) -> Result<Option<O>, sqlx::Error> {
        let row = self.statement.fetch_optional(on).await?;
        row.as_ref().map(self.read).transpose()
    }

    /// The first row; its absence is an error (`sqlx::Error::RowNotFound`).
    pub async fn fetch_one<'c>(self, on: impl RunsOn<'c, DB>) -> Result<O, sqlx::Error> {
        self.fetch_optional(on)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}

/// Numbers a statement's parameters (`$1`, `$2`, …) in the order they will be bound, for
/// statements whose shape depends on the request: lists of values and optional conditions. Only
/// these numbered placeholders are ever formatted into SQL; every value is bound.
#[derive(Debug, Default)]
pub struct Placeholders {
    taken: usize,
}

impl Placeholders {
    /// Numbering that continues after `taken` parameters already written into the statement.
    pub fn after(taken: usize) -> Self {
        Placeholders { taken }
    }

    /// The next parameter's placeholder.
    pub fn take(&mut self) -> String {
        self.taken += 1;
        format!("${}", self.taken)
    }

    /// Placeholders for the next `count` parameters, separated by commas (for `IN (…)`).
    pub fn list(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.take())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::Placeholders;

    #[test]
    fn placeholders_continue_in_binding_order() {
        let mut p = Placeholders::after(1);
        assert_eq!(p.list(3), "$2, $3, $4");
        assert_eq!(p.list(0), "");
        assert_eq!(p.take(), "$5");
        assert_eq!(Placeholders::default().list(2), "$1, $2");
    }
}
