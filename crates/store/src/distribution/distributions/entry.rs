//! Turning a create or a patch into an entry: the blank a create starts from, the records it names checked (customer, rep, product), and the rules that span fields.

use super::*;

/// Lookups shared by the rows of one request, so that a bulk call of 10,000 entries asks
/// about each customer, rep, product and SKU once.
#[derive(Default)]
pub(super) struct Checked {
    /// The field errors of naming an id in a field (none when it is fine).
    named: HashMap<(&'static str, Uuid), Vec<FieldError>>,
    products_by_sku: HashMap<String, Option<Uuid>>,
    /// The account whose company key each customer name key is, if any.
    accounts_by_key: HashMap<String, Option<Uuid>>,
}

impl Checked {
    /// The field errors of naming `id` in `field`, from `check` the first time.
    fn named(
        &mut self,
        field: &'static str,
        id: Uuid,
        check: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<Vec<FieldError>, StoreError> {
        if let Some(found) = self.named.get(&(field, id)) {
            return Ok(found.clone());
        }
        let errors = match check() {
            Ok(()) => Vec::new(),
            Err(StoreError::Invalid(Invalid(list))) => list,
            Err(e) => return Err(e),
        };
        self.named.insert((field, id), errors.clone());
        Ok(errors)
    }

    /// Every record the entry names, as field errors (an unseen customer reads like a
    /// missing one). Fills the product from the SKU when none was given.
    pub(super) fn entry(
        &mut self,
        c: &mut dyn Conn,
        actor: &Actor,
        before: Option<&Distribution>,
        product_given: bool,
        d: &mut Distribution,
    ) -> Result<Vec<FieldError>, StoreError> {
        let mut errors = Vec::new();
        let changed = |f: fn(&Distribution) -> Option<Uuid>, d: &Distribution| {
            before.is_none_or(|b| f(b) != f(d))
        };
        if let (true, Some(id)) = (changed(|x| x.customer_id, d), d.customer_id) {
            errors.extend(self.named("customer_id", id, || {
                accounts::visible(c, actor, id)
                    .map(|_| ())
                    .map_err(|e| e.named_in("customer_id", "names no account you can see"))
            })?);
        }
        if let (true, Some(rep)) = (changed(|x| x.rep_id, d), d.rep_id) {
            scope::may_assign_user(actor, "rep_id", Some(rep))?;
            errors.extend(self.named("rep_id", rep, || users::check_enabled(c, "rep_id", rep))?);
        }
        if product_given {
            if let Some(id) = d.product_id {
                errors.extend(self.named("product_id", id, || {
                    products::check_exists(c, id, "product_id")
                })?);
            }
        } else if before.is_none_or(|b| b.sku != d.sku) {
            let product = match self.products_by_sku.get(&d.sku) {
                Some(p) => *p,
                None => {
                    let p: Option<Uuid> = c.query_scalar(
                        "SELECT id FROM products WHERE sku = ?",
                        &[d.sku.clone().into()],
                    )?;
                    self.products_by_sku.insert(d.sku.clone(), p);
                    p
                }
            };
            if product.is_some() || before.is_some() {
                d.product_id = product;
            }
        }
        let changed_customer = before
            .is_none_or(|b| b.customer_id != d.customer_id || b.customer_name != d.customer_name);
        if changed_customer {
            d.customer_key = self.customer_key(c, d)?;
        }
        Ok(errors)
    }

    /// Whom the dashboard counts the entry as: its account; without one, the account
    /// whose company key its customer name has (so "Hospital-A" counts with the entries
    /// linked to the account "Hospital A" before `distributions link` runs); else the
    /// name's key.
    fn customer_key(
        &mut self,
        c: &mut dyn Conn,
        d: &Distribution,
    ) -> Result<Option<String>, StoreError> {
        if d.customer_id.is_some() {
            return Ok(customer_key(d.customer_id, None));
        }
        let Some(name) = d.customer_name.as_deref() else {
            return Ok(None);
        };
        let key = rapport_domain::normalize::company_key(name);
        let account = match self.accounts_by_key.get(&key) {
            Some(a) => *a,
            None => {
                let a: Option<Uuid> = c.query_scalar(
                    "SELECT id FROM accounts WHERE company_key = ?",
                    &[key.clone().into()],
                )?;
                self.accounts_by_key.insert(key, a);
                a
            }
        };
        Ok(customer_key(account, d.customer_name.as_deref()))
    }
}

/// A new entry from its changes: a rep is the entry's rep unless another is named.
pub(super) fn prepare(
    c: &mut dyn Conn,
    actor: &Actor,
    checked: &mut Checked,
    changes: DistributionChanges,
    source: Source,
) -> Result<Result<Distribution, Vec<FieldError>>, StoreError> {
    let product_given = !changes.product_id.is_absent();
    let rep_given = !changes.rep_id.is_absent();
    let mut d = Distribution::blank(source, record::acting_user(actor), rapport_db::now());
    changes.apply_to(&mut d);
    if !rep_given && actor.role == rapport_domain::Role::Rep {
        d.rep_id = Some(actor.user_id);
    }
    let errors = checked.entry(c, actor, None, product_given, &mut d)?;
    Ok(if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    })
}
