//! The npm package's SQL and through-an-asset methods (issue 18): a Node BI backend asks for a
//! user's scope as one parameterized statement and runs it on its warehouse (docs/sql.md).

use crate::convert::{time, to_js};
use crate::engine::Engine;
use crate::error::refusal;
use orgspace_core::sql::Dialect;
use wasm_bindgen::prelude::*;

fn dialect(name: &str) -> Result<Dialect, JsValue> {
    name.parse::<Dialect>().map_err(|r| refusal(&r))
}

#[wasm_bindgen]
impl Engine {
    /// `actor`'s data on a dataset (D4) as `{table, sql, params, columns}` for `dialect`
    /// (`"postgres"`, `"duckdb"` or `"sqlite"`): bind `params` in order and run `sql`.
    #[wasm_bindgen(unchecked_return_type = "SqlQuery")]
    pub fn sql(
        &self,
        actor: &str,
        dataset: &str,
        #[wasm_bindgen(unchecked_param_type = "Dialect")] dialect: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let q = self
            .inner
            .sql(actor, dataset, None, self::dialect(dialect)?, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&q)
    }

    /// Like `sql`, for a dataset seen through an asset built on it (a dashboard, portal...):
    /// the viewer of `through` gets their own scope, with no right on the dataset (A8).
    #[wasm_bindgen(js_name = sqlThrough, unchecked_return_type = "SqlQuery")]
    pub fn sql_through(
        &self,
        actor: &str,
        dataset: &str,
        through: &str,
        #[wasm_bindgen(unchecked_param_type = "Dialect")] dialect: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let q = self
            .inner
            .sql(
                actor,
                dataset,
                Some(through),
                self::dialect(dialect)?,
                time(now)?,
            )
            .map_err(|r| refusal(&r))?;
        to_js(&q)
    }

    /// `dataScope` for a dataset seen through an asset built on it (A8 with D4).
    #[wasm_bindgen(js_name = dataScopeThrough, unchecked_return_type = "DataScope")]
    pub fn data_scope_through(
        &self,
        actor: &str,
        dataset: &str,
        through: &str,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let scope = self
            .inner
            .data_scope_through(actor, dataset, through, time(now)?)
            .map_err(|r| refusal(&r))?;
        to_js(&scope)
    }
}
