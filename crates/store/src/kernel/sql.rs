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
