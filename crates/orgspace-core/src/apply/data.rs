//! Data permission commands (D1-D3): organization data sources, table grants to workspaces,
//! and a dataset's table, row rules and column rules.

use super::{Outcome, check_id, check_name};
use crate::data::{
    Allow, Audience, ColumnRule, ColumnType, DataSourceDef, DatasetSecurity, Predicate, RowRule,
    TableDef, TableGrantDef,
};
use crate::error::{Keyed, Refusal, conflict, denied, invalid, invalid_by, not_found};
use crate::event::Event;
use crate::model::Org;
use crate::rule::Rule;
use crate::table::{AssetIx, UserIx};
use crate::vocab::{Kind, Operation, OrgPoint};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::Value;

/// Checks a data source definition: ids, unique non-empty tables and columns.
pub(crate) fn check_source(def: &DataSourceDef) -> Result<(), Refusal> {
    check_id("data source", &def.id)?;
    check_name("data source", &def.name)?;
    if def.tables.is_empty() {
        return Err(invalid_by(
            Rule::D1,
            format!("data source `{}` has no tables", def.id),
        ));
    }
    for (i, t) in def.tables.iter().enumerate() {
        check_id("table", &t.name)?;
        if def.tables.iter().take(i).any(|o| o.name == t.name) {
            return Err(invalid_by(
                Rule::D1,
                format!("table `{}` appears twice", t.name),
            ));
        }
        if t.columns.is_empty() {
            return Err(invalid_by(
                Rule::D1,
                format!("table `{}` has no columns", t.name),
            ));
        }
        for (j, c) in t.columns.iter().enumerate() {
            check_id("column", &c.name)?;
            if t.columns.iter().take(j).any(|o| o.name == c.name) {
                return Err(invalid_by(
                    Rule::D1,
                    format!("column `{}` appears twice in `{}`", c.name, t.name),
                ));
            }
        }
    }
    Ok(())
}

/// Whether a value has a column's type.
fn check_value(table: &TableDef, column: &str, ty: ColumnType, v: &Value) -> Result<(), Refusal> {
    let ok = match ty {
        ColumnType::String => v.is_string(),
        ColumnType::Number => v.is_number(),
        ColumnType::Boolean => v.is_boolean(),
    };
    if ok {
        return Ok(());
    }
    // Compact JSON, as `Value`'s `Display` writes it; that `Display` would bring serde_json's
    // pretty printer and an `std::io` adapter into the WebAssembly.
    let shown = serde_json::to_string(v).unwrap_or_default();
    Err(invalid(format!(
        "value {shown} does not have the type of column `{column}` of `{}`, which is {ty}",
        table.name
    )))
}

fn column_type(table: &TableDef, column: &str) -> Result<ColumnType, Refusal> {
    table.column(column).map(|c| c.ty).ok_or_else(|| {
        invalid(format!(
            "unknown column `{column}` in table `{}`",
            table.name
        ))
    })
}

/// How deep a row filter may nest (`all`/`any` levels), so that every snapshot and audit entry
/// holding one stays within the nesting JSON parsers accept (serde_json: 128) and evaluation
/// recursion stays shallow.
pub(crate) const MAX_PREDICATE_DEPTH: usize = 32;

/// Checks that a predicate reads only columns of the table, with values of their types, and
/// nests at most [`MAX_PREDICATE_DEPTH`] levels.
pub(crate) fn check_predicate(p: &Predicate, table: &TableDef) -> Result<(), Refusal> {
    check_predicate_at(p, table, 1)
}

fn check_predicate_at(p: &Predicate, table: &TableDef, depth: usize) -> Result<(), Refusal> {
    match p {
        Predicate::All(parts) | Predicate::Any(parts) => {
            if depth > MAX_PREDICATE_DEPTH {
                return Err(invalid(format!(
                    "a row filter nests deeper than {MAX_PREDICATE_DEPTH} levels"
                )));
            }
            parts
                .iter()
                .try_for_each(|x| check_predicate_at(x, table, depth + 1))
        }
        Predicate::In { column, values } => {
            let ty = column_type(table, column)?;
            values
                .iter()
                .try_for_each(|v| check_value(table, column, ty, v))
        }
    }
}

impl Org {
    pub(crate) fn table_def(&self, source: &str, table: &str) -> Result<&TableDef, Refusal> {
        let s = self
            .data_sources
            .get(source)
            .ok_or_else(|| not_found(format!("unknown data source `{source}`")))?;
        s.table(table)
            .ok_or_else(|| invalid(format!("unknown table `{table}` in data source `{source}`")))
    }

    fn check_audience(&self, a: &Audience) -> Result<(), Refusal> {
        if a.is_empty() {
            return Err(invalid(
                "a rule targets nobody: give `all`, `users` or `groups`",
            ));
        }
        for u in &a.users {
            self.user(u)?;
        }
        for g in &a.groups {
            self.group(g)?;
        }
        Ok(())
    }

    /// Whether a rule's audience includes the user (P2: group rules reach nested groups).
    pub(crate) fn audience_has(&self, a: &Audience, user: UserIx) -> bool {
        if a.all {
            return true;
        }
        let uid = self.members.id(user);
        if a.users.iter().any(|u| u == uid) {
            return true;
        }
        let Some(member) = self.members.get(user) else {
            return false;
        };
        a.groups.iter().any(|g| {
            self.groups
                .find(g)
                .is_some_and(|gix| Org::in_group(member, gix))
        })
    }

    /// O8 and group deletion: drop a user or group from every dataset rule; a rule left with
    /// nobody to target goes too.
    pub(crate) fn forget_in_rules(&mut self, user: Option<&str>, group: Option<&str>) {
        let strip = |a: &mut Audience| {
            if let Some(u) = user {
                a.users.retain(|x| x != u);
            }
            if let Some(g) = group {
                a.groups.retain(|x| x != g);
            }
            !a.is_empty()
        };
        for (_, asset) in self.assets.iter_mut() {
            if let Some(sec) = asset.security.as_deref_mut() {
                sec.row_rules.retain_mut(|r| strip(&mut r.targets));
                sec.column_rules.retain_mut(|r| strip(&mut r.targets));
            }
        }
    }

    fn dataset(&self, id: &str) -> Result<AssetIx, Refusal> {
        let ix = self.asset(id)?;
        match self.assets.get(ix) {
            Some(a) if a.kind == Kind::Dataset => Ok(ix),
            _ => Err(invalid(format!("`{id}` is not a dataset"))),
        }
    }

    fn dataset_table(&self, ix: AssetIx) -> Result<&TableDef, Refusal> {
        let t = self
            .assets
            .get(ix)
            .and_then(|a| a.security.as_deref())
            .and_then(|s| s.table.as_ref())
            .ok_or_else(|| {
                invalid(format!(
                    "dataset `{}` is built on no table yet",
                    self.assets.id(ix)
                ))
            })?;
        self.table_def(&t.source, &t.table)
    }

    pub(crate) fn check_row_rules(
        &self,
        table: &TableDef,
        rules: &[RowRule],
    ) -> Result<(), Refusal> {
        for r in rules {
            self.check_audience(&r.targets)?;
            let ty = column_type(table, &r.column)?;
            match &r.allow {
                Allow::Values(values) => values
                    .iter()
                    .try_for_each(|v| check_value(table, &r.column, ty, v))?,
                Allow::Attribute(name) => check_id("attribute", name)?,
            }
        }
        Ok(())
    }

    pub(crate) fn check_column_rules(
        &self,
        table: &TableDef,
        rules: &[ColumnRule],
    ) -> Result<(), Refusal> {
        for r in rules {
            self.check_audience(&r.targets)?;
            column_type(table, &r.column)?;
        }
        Ok(())
    }

    fn set_security(
        &mut self,
        ix: AssetIx,
        update: impl FnOnce(&mut DatasetSecurity),
    ) -> Vec<Event> {
        let workspace: String = self
            .assets
            .get(ix)
            .map(|a| self.workspaces.id(a.workspace).into())
            .unwrap_or_default();
        if let Some(a) = self.assets.get_mut(ix) {
            let mut sec = a.security.take().map(|b| *b).unwrap_or_default();
            update(&mut sec);
            a.security = if sec.is_empty() {
                None
            } else {
                Some(Box::new(sec))
            };
        }
        alloc::vec![Event::DatasetSecuritySet {
            workspace,
            asset: self.assets.id(ix).into()
        }]
    }
}

/// Checks a table grant against the organization's data sources.
pub(crate) fn check_table_grant(org: &Org, g: &TableGrantDef) -> Result<(), Refusal> {
    let table = org.table_def(&g.source, &g.table)?;
    if let Some(columns) = &g.columns {
        for c in columns {
            column_type(table, c)?;
        }
    }
    if let Some(rows) = &g.rows {
        check_predicate(rows, table)?;
    }
    Ok(())
}

impl Org {
    /// The datasets built on a table of `source`, in id order.
    /// D1 before a data source is made: a dataset may still name a source that is gone (a
    /// state from before deletion was refused for it); the source comes back only with tables
    /// and columns that dataset fits, so the state still loads. Keyed by dataset id.
    pub(crate) fn require_source_fits(&self, def: &DataSourceDef) -> Result<(), Keyed> {
        for (ix, sec) in self.datasets_on(&def.id) {
            if let Err(e) = dataset_fits(self, def, sec) {
                let id = self.assets.id(ix);
                let refusal = conflict(format!(
                    "dataset `{id}` is built on data source `{}` and would not fit it: {}",
                    def.id,
                    e.message()
                ));
                return Err(Keyed::at(0, id, refusal));
            }
        }
        Ok(())
    }

    /// D1 before a data source is deleted: no workspace is granted its tables (keyed by the
    /// workspace id), and no dataset is built on it (keyed by dataset id): a dataset
    /// keeps its table and rules, which name the source's tables and columns; were the source
    /// deleted and made again with others, the state would not load. Such a source stays until
    /// the dataset is deleted.
    pub(crate) fn require_source_unused(&self, source: &str) -> Result<(), Keyed> {
        // The first by id, whatever order workspaces were created or loaded in.
        if let Some((w, ws)) = self
            .workspaces
            .iter()
            .filter(|(_, w)| w.table_grants.keys().any(|(s, _)| s == source))
            .min_by(|a, b| self.workspaces.id(a.0).cmp(self.workspaces.id(b.0)))
        {
            let refusal = conflict(format!(
                "data source `{source}` is granted to workspace `{}`; revoke it first",
                ws.name
            ));
            return Err(Keyed::at(0, self.workspaces.id(w), refusal));
        }
        if let Some((ix, _)) = self.datasets_on(source).first() {
            let id = self.assets.id(*ix);
            let refusal = conflict(format!(
                "dataset `{id}` is built on data source `{source}`; delete it first"
            ));
            return Err(Keyed::at(1, id, refusal));
        }
        Ok(())
    }

    fn datasets_on(&self, source: &str) -> Vec<(AssetIx, &DatasetSecurity)> {
        let mut out: Vec<_> = self
            .assets
            .iter()
            .filter_map(|(ix, a)| Some((ix, a.security.as_deref()?)))
            .filter(|(_, sec)| sec.table.as_ref().is_some_and(|t| t.source == source))
            .collect();
        crate::sort::sort_by(&mut out, |a, b| {
            self.assets.id(a.0).cmp(self.assets.id(b.0))
        });
        out
    }
}

/// Whether a dataset's table and rules fit a data source's definition: what the snapshot
/// loader requires of every dataset whose source exists (D1-D3).
pub(crate) fn dataset_fits(
    org: &Org,
    def: &DataSourceDef,
    sec: &DatasetSecurity,
) -> Result<(), Refusal> {
    let Some(t) = &sec.table else {
        return Ok(());
    };
    let table = def.table(&t.table).ok_or_else(|| {
        invalid(format!(
            "unknown table `{}` in data source `{}`",
            t.table, def.id
        ))
    })?;
    org.check_row_rules(table, &sec.row_rules)?;
    org.check_column_rules(table, &sec.column_rules)
}

pub(super) fn create_data_source(org: &mut Org, actor: UserIx, def: DataSourceDef) -> Outcome {
    org.require_point(actor, OrgPoint::ManageDataSources, Rule::D1)?;
    check_source(&def)?;
    if org.data_sources.contains_key(&def.id) {
        return Err(conflict(format!("data source `{}` already exists", def.id)));
    }
    org.require_source_fits(&def).map_err(|k| k.refusal)?;
    let source = def.id.clone();
    org.data_sources.insert(source.clone(), def);
    Ok(alloc::vec![Event::DataSourceCreated { source }])
}

pub(super) fn delete_data_source(org: &mut Org, actor: UserIx, source: &str) -> Outcome {
    org.require_point(actor, OrgPoint::ManageDataSources, Rule::D1)?;
    if !org.data_sources.contains_key(source) {
        return Err(not_found(format!("unknown data source `{source}`")));
    }
    org.require_source_unused(source).map_err(|k| k.refusal)?;
    org.data_sources.remove(source);
    Ok(alloc::vec![Event::DataSourceDeleted {
        source: source.into()
    }])
}

pub(super) fn grant_table(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    def: TableGrantDef,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageDataSources, Rule::D1)?;
    let ws = org.group_workspace(workspace)?;
    check_table_grant(org, &def)?;
    let event = Event::TableGranted {
        workspace: workspace.into(),
        source: def.source.clone(),
        table: def.table.clone(),
    };
    if let Some(w) = org.workspaces.get_mut(ws) {
        w.table_grants
            .insert((def.source.clone(), def.table.clone()), def);
    }
    Ok(alloc::vec![event])
}

pub(super) fn revoke_table(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    source: &str,
    table: &str,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageDataSources, Rule::D1)?;
    let ws = org.group_workspace(workspace)?;
    let key = (String::from(source), String::from(table));
    let granted = org
        .workspaces
        .get(ws)
        .is_some_and(|w| w.table_grants.contains_key(&key));
    if !granted {
        return Err(not_found(format!(
            "workspace `{workspace}` is not granted `{source}`.`{table}`"
        )));
    }
    if let Some(w) = org.workspaces.get_mut(ws) {
        w.table_grants.remove(&key);
    }
    Ok(alloc::vec![Event::TableRevoked {
        workspace: workspace.into(),
        source: source.into(),
        table: table.into()
    }])
}

pub(super) fn set_dataset_table(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    source: &str,
    table: &str,
    at: u64,
) -> Outcome {
    let ix = org.dataset(asset)?;
    org.require(actor, Operation::Modify, ix, at)?;
    let def = org.table_def(source, table)?.clone();
    let ws = org
        .assets
        .get(ix)
        .map(|a| a.workspace)
        .ok_or_else(|| not_found("unknown asset"))?;
    let granted = org.workspaces.get(ws).is_some_and(|w| {
        w.table_grants
            .contains_key(&(String::from(source), String::from(table)))
    });
    if !granted {
        return Err(denied(
            Rule::D1,
            format!(
                "workspace `{}` is not granted table `{source}`.`{table}`",
                org.workspaces.id(ws)
            ),
        ));
    }
    if let Some(sec) = org.assets.get(ix).and_then(|a| a.security.as_deref()) {
        org.check_row_rules(&def, &sec.row_rules)?;
        org.check_column_rules(&def, &sec.column_rules)?;
    }
    let table_ref = crate::data::TableRef {
        source: source.into(),
        table: table.into(),
    };
    Ok(org.set_security(ix, |s| s.table = Some(table_ref)))
}

pub(super) fn set_row_rules(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    enabled: bool,
    exempt: bool,
    rules: &[RowRule],
) -> Outcome {
    let ix = org.dataset(asset)?;
    org.require_rule_admin(actor, ix, Rule::D2)?;
    let table = org.dataset_table(ix)?;
    org.check_row_rules(table, rules)?;
    let rules = rules.to_vec();
    Ok(org.set_security(ix, |s| {
        s.row_rules_enabled = enabled;
        s.exempt_owner_and_admins = exempt;
        s.row_rules = rules;
    }))
}

pub(super) fn set_column_rules(
    org: &mut Org,
    actor: UserIx,
    asset: &str,
    rules: &[ColumnRule],
) -> Outcome {
    let ix = org.dataset(asset)?;
    org.require_rule_admin(actor, ix, Rule::D3)?;
    let table = org.dataset_table(ix)?;
    org.check_column_rules(table, rules)?;
    let rules = rules.to_vec();
    Ok(org.set_security(ix, |s| s.column_rules = rules))
}
