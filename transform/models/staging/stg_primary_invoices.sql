-- Primary invoice lines (company -> distributor), cleaned: one row per
-- (invoice_no, line_no) (the latest export wins), codes upper(trim()), names trim().
with ranked as (
    select
        src.*,
        row_number() over (
            partition by upper(trim(invoice_no)), line_no
            order by exported_at desc
        ) as rn
    from {{ source('raw', 'raw_primary_invoices') }} as src
)
select
    upper(trim(invoice_no)) as invoice_no,
    CAST(line_no AS INTEGER) as line_no,
    CAST(invoice_date AS DATE) as invoice_date,
    upper(trim(dist_code)) as dist_code,
    upper(trim(sku)) as sku,
    upper(trim(warehouse_code)) as warehouse_code,
    trim(warehouse_name) as warehouse_name,
    CAST(qty AS INTEGER) as qty,
    CAST(gross_value AS DECIMAL(14, 2)) as gross_value,
    CAST(net_value AS DECIMAL(14, 2)) as net_value,
    exported_at
from ranked
where rn = 1
