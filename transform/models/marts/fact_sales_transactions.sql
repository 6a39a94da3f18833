{{ config(materialized='incremental', unique_key='transaction_id') }}
-- Secondary sales (distributor -> outlet), one row per DMS line (DESIGN.md).
-- quantity and amounts carry the transaction type's sign: returns and damages negative.
-- Ids come from the codes on the line; left joins so that an unknown code shows up as a
-- NULL id (and a failing not_null test) instead of a silently dropped line.
-- Incremental runs re-read the lines dated within incremental_lookback_days (default 7)
-- of the newest transaction_date already loaded and replace them by transaction_id, so
-- late-arriving lines and corrected re-exports inside that window are picked up. An
-- existing but empty table (the migration creates the star schema) loads everything.
with lines as (
    select *
    from {{ ref('stg_secondary_sales') }}
    {% if is_incremental() %}
    where bill_date >= coalesce(
        (select {% if target.type == 'sqlserver' %}dateadd(day, -{{ var('incremental_lookback_days', 7) }}, max(transaction_date)){% else %}max(transaction_date) - {{ var('incremental_lookback_days', 7) }}{% endif %} from {{ this }}),
        CAST('1900-01-01' AS DATE))
    {% endif %}
)
select
    CAST(l.line_id AS BIGINT) as transaction_id,
    CAST(l.bill_date AS DATE) as transaction_date,
{% if target.type == 'sqlserver' %}
    CAST(year(l.bill_date) * 10000 + month(l.bill_date) * 100 + day(l.bill_date) AS INTEGER) as date_key,
{% else %}
    CAST(extract(year from l.bill_date) * 10000 + extract(month from l.bill_date) * 100 + extract(day from l.bill_date) AS INTEGER) as date_key,
{% endif %}
    CAST(o.outlet_id AS INTEGER) as customer_id,
    CAST(d.dist_id AS INTEGER) as account_id,
    CAST(p.product_id AS INTEGER) as product_id,
    CAST(t.type_id AS SMALLINT) as transaction_type_id,
    CAST(e.emp_id AS INTEGER) as sales_rep_id,
    CAST(l.qty * t.sign AS INTEGER) as quantity,
    CAST(l.rate AS DECIMAL(12, 2)) as unit_price,
    CAST(l.gross_value * t.sign AS DECIMAL(14, 2)) as gross_amount,
    CAST(l.discount_value * t.sign AS DECIMAL(14, 2)) as discount_amount,
    CAST(l.net_value * t.sign AS DECIMAL(14, 2)) as net_amount
from lines as l
left join {{ ref('stg_outlets') }} as o on o.outlet_code = l.outlet_code
left join {{ ref('stg_distributors') }} as d on d.dist_code = l.dist_code
left join {{ ref('stg_products') }} as p on p.sku = l.sku
left join {{ ref('stg_transaction_types') }} as t on t.code = l.txn_type
left join {{ ref('stg_employees') }} as e on e.emp_code = l.salesman_code
