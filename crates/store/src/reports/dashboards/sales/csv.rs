//! The sales dashboard as CSV: one row for the totals, one per interval, one per SKU.

use super::*;

/// The dashboard as CSV: one row for the totals, one per interval, one per SKU.
pub fn to_csv(d: &SalesDashboard) -> String {
    let mut out = String::from(
        "row,start,sku,orders,units,customers,first_time_customers,repeat_customers\r\n",
    );
    let line = |kind: &str, start: String, sku: &str, f: &Figures| {
        format!(
            "{kind},{start},{},{},{},{},{},{}\r\n",
            crate::kernel::csv::cell(sku),
            f.orders,
            f.units,
            f.customers,
            f.first_time_customers,
            f.repeat_customers
        )
    };
    out.push_str(&line("total", String::new(), "", &d.totals));
    for i in &d.intervals {
        out.push_str(&line("interval", i.start.to_string(), "", &i.figures));
    }
    for s in &d.skus {
        out.push_str(&format!(
            "sku,,{},{},{},{},,\r\n",
            crate::kernel::csv::cell(&s.sku),
            s.orders,
            s.units,
            s.customers
        ));
    }
    out
}
