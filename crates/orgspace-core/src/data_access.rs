//! The effective data scope of a user on a dataset (D4).

use crate::data::{Allow, ColumnAction, ColumnType, DataScope, Predicate, ScopeColumn};
use crate::error::{Refusal, denied, invalid};
use crate::model::Org;
use crate::rule::Rule;
use crate::table::{AssetIx, UserIx};
use crate::vocab::{Kind, Operation};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

impl Org {
    /// What `user` may see of a dataset's data: the workspace's table grant (D1) intersected
    /// with the dataset's row rules (D2, OR-combined, fail closed) and column rules (D3).
    pub(crate) fn data_scope(
        &self,
        user: UserIx,
        asset: AssetIx,
        now: u64,
    ) -> Result<DataScope, Refusal> {
        let a = self
            .assets
            .get(asset)
            .ok_or_else(|| invalid("unknown asset"))?;
        let dataset: String = self.assets.id(asset).into();
        if a.kind != Kind::Dataset {
            return Err(invalid(format!("`{dataset}` is not a dataset")));
        }
        self.require_data_access(user, asset, now)?;
        self.scope_of(user, asset)
    }

    /// The dataset's data as seen through an asset built on it (A8 with D4): for a user who
    /// may view `through` (a dashboard, portal, workbook...) that reaches the dataset through
    /// its references, the user's own scope on the dataset, whatever they may do on the
    /// dataset itself. Nothing else of the dataset is opened: no `use`, no direct view.
    pub(crate) fn data_scope_through(
        &self,
        user: UserIx,
        asset: AssetIx,
        through: AssetIx,
        now: u64,
    ) -> Result<DataScope, Refusal> {
        let d = self.decide(user, Operation::View, through, now);
        let outer = self.assets.id(through);
        if !d.allowed {
            return Err(denied(
                d.rule,
                format!(
                    "`{}` may not view `{outer}`: {}",
                    self.members.id(user),
                    self.explain(&d)
                ),
            ));
        }
        if !self.behind(through, asset) {
            return Err(denied(
                Rule::A8,
                format!(
                    "`{}` is not behind `{outer}`: an asset opens only the datasets it is built on",
                    self.assets.id(asset)
                ),
            ));
        }
        self.scope_of(user, asset)
    }

    /// Whether `inner` is `outer` or reached from it through references (a portal embeds a
    /// dashboard built on a dataset).
    fn behind(&self, outer: AssetIx, inner: AssetIx) -> bool {
        let mut stack = alloc::vec![outer];
        let mut seen = hashbrown::HashSet::new();
        while let Some(a) = stack.pop() {
            if a == inner {
                return true;
            }
            if seen.insert(a) {
                if let Some(x) = self.assets.get(a) {
                    stack.extend(x.references.iter().copied());
                }
            }
        }
        false
    }

    /// The scope itself, once the user is let in.
    fn scope_of(&self, user: UserIx, asset: AssetIx) -> Result<DataScope, Refusal> {
        let a = self
            .assets
            .get(asset)
            .ok_or_else(|| invalid("unknown asset"))?;
        let dataset: String = self.assets.id(asset).into();
        if a.kind != Kind::Dataset {
            return Err(invalid(format!("`{dataset}` is not a dataset")));
        }
        let closed = |table| DataScope {
            dataset: dataset.clone(),
            table,
            columns: Vec::new(),
            rows: Predicate::never(),
        };
        let Some(sec) = a.security.as_deref() else {
            return Ok(closed(None));
        };
        let Some(table_ref) = sec.table.clone() else {
            return Ok(closed(None));
        };
        let grant = self.workspaces.get(a.workspace).and_then(|w| {
            w.table_grants
                .get(&(table_ref.source.clone(), table_ref.table.clone()))
        });
        let (Some(grant), Ok(table)) = (grant, self.table_def(&table_ref.source, &table_ref.table))
        else {
            // The grant was revoked: the dataset shows nothing (D1).
            return Ok(closed(Some(table_ref)));
        };

        let exempt = sec.exempt_owner_and_admins && self.owns_or_administers(user, asset);

        let mut columns = Vec::new();
        for c in &table.columns {
            if grant.columns.as_ref().is_some_and(|g| !g.contains(&c.name)) {
                continue;
            }
            let mut hidden = false;
            let mut masked = false;
            if !exempt {
                for r in sec
                    .column_rules
                    .iter()
                    .filter(|r| r.column == c.name && self.audience_has(&r.targets, user))
                {
                    match r.action {
                        ColumnAction::Hide => hidden = true,
                        ColumnAction::Mask => masked = true,
                    }
                }
            }
            if !hidden {
                columns.push(ScopeColumn {
                    name: c.name.clone(),
                    ty: c.ty,
                    masked,
                });
            }
        }

        let mut rows = grant.rows.clone().unwrap_or_else(Predicate::always);
        if sec.row_rules_enabled && !exempt {
            let mut any = Vec::new();
            for r in sec
                .row_rules
                .iter()
                .filter(|r| self.audience_has(&r.targets, user))
            {
                let values = match &r.allow {
                    Allow::Values(v) => v.clone(),
                    Allow::Attribute(name) => {
                        let ty = table.column(&r.column).map_or(ColumnType::String, |c| c.ty);
                        self.attribute_values(user, name, ty)
                    }
                };
                any.push(Predicate::In {
                    column: r.column.clone(),
                    values,
                });
            }
            rows = rows.and(Predicate::Any(any));
        }
        Ok(DataScope {
            dataset,
            table: Some(table_ref),
            columns,
            rows,
        })
    }

    /// A user's values of an attribute, typed for a column: strings as they are, numbers and
    /// booleans parsed (values that do not parse are left out, so they match nothing).
    fn attribute_values(&self, user: UserIx, name: &str, ty: ColumnType) -> Vec<Value> {
        let Some(values) = self.members.get(user).and_then(|m| m.attributes.get(name)) else {
            return Vec::new();
        };
        values
            .iter()
            .filter_map(|v| match ty {
                ColumnType::String => Some(Value::String(v.clone())),
                // Through `crate::json`, which the npm package reads with anyway: a second
                // deserializer would bring serde_json's error formatting along.
                ColumnType::Number => crate::json::from_str::<serde_json::Number>(v)
                    .ok()
                    .map(Value::Number),
                ColumnType::Boolean => v.parse::<bool>().ok().map(Value::Bool),
            })
            .collect()
    }
}
