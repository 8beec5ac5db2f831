use rapport_db::Value;

/// SQL text with its parameters, built up piece by piece so that values never enter the
/// text itself.
#[derive(Debug, Clone, Default)]
pub struct SqlBuf {
    pub sql: String,
    pub params: Vec<Value>,
}

impl SqlBuf {
    pub fn new(sql: &str) -> Self {
        Self {
            sql: sql.to_owned(),
            params: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.sql.push('?');
        self.params.push(v.into());
        self
    }

    /// `(?, ?, …)` for an IN list.
    pub fn bind_list(&mut self, values: Vec<Value>) -> &mut Self {
        self.sql.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(v);
        }
        self.sql.push(')');
        self
    }

    pub fn append(&mut self, other: SqlBuf) -> &mut Self {
        self.sql.push_str(&other.sql);
        self.params.extend(other.params);
        self
    }
}

/// `INSERT INTO table (columns…, id) VALUES (?…)`: for records whose values list their
/// columns in order and the id last.
pub(crate) fn insert_sql(table: &str, columns: &[&str]) -> String {
    let marks = vec!["?"; columns.len() + 1].join(", ");
    format!(
        "INSERT INTO {table} ({}, id) VALUES ({marks})",
        columns.join(", ")
    )
}

/// `UPDATE table SET column = ?… WHERE id = ?`, for the same values as [`insert_sql`].
pub(crate) fn update_by_id_sql(table: &str, columns: &[&str]) -> String {
    let sets: Vec<String> = columns.iter().map(|c| format!("{c} = ?")).collect();
    format!("UPDATE {table} SET {} WHERE id = ?", sets.join(", "))
}
