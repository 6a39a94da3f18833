-- Secondary sales lines (distributor -> outlet), cleaned: one row per line_id (the latest
-- export wins, so a corrected re-export replaces the original), codes upper(trim()),
-- txn_type upper case ('SALE', 'RETURN', 'FREE', 'DAMAGE'). Amounts stay positive here;
-- the fact applies the transaction type's sign.
with ranked as (
    select
        src.*,
        row_number() over (partition by line_id order by exported_at desc) as rn
    from {{ source('raw', 'raw_secondary_sales') }} as src
)
select
    CAST(line_id AS BIGINT) as line_id,
    upper(trim(bill_no)) as bill_no,
    CAST(bill_date AS DATE) as bill_date,
    upper(trim(outlet_code)) as outlet_code,
    upper(trim(dist_code)) as dist_code,
    upper(trim(sku)) as sku,
    upper(trim(txn_type)) as txn_type,
    upper(trim(salesman_code)) as salesman_code,
    CAST(qty AS INTEGER) as qty,
    CAST(rate AS DECIMAL(12, 2)) as rate,
    CAST(gross_value AS DECIMAL(14, 2)) as gross_value,
    CAST(discount_value AS DECIMAL(14, 2)) as discount_value,
    CAST(net_value AS DECIMAL(14, 2)) as net_value,
    exported_at
from ranked
where rn = 1
