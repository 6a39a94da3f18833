{{ config(materialized='incremental', unique_key=['invoice_id', 'line_number']) }}
-- Primary sales (company -> distributor), one row per invoice line (DESIGN.md).
-- billed_weight = quantity x unit_weight (kg), billed_volume = quantity x unit_volume
-- (litres, NULL for solids). Incremental runs re-read the invoices dated within
-- incremental_lookback_days (default 7) of the newest invoice_date already loaded and
-- replace them by (invoice_id, line_number).
with lines as (
    select *
    from {{ ref('stg_primary_invoices') }}
    {% if is_incremental() %}
    where invoice_date >= coalesce(
        (select {% if target.type == 'sqlserver' %}dateadd(day, -{{ var('incremental_lookback_days', 7) }}, max(invoice_date)){% else %}max(invoice_date) - {{ var('incremental_lookback_days', 7) }}{% endif %} from {{ this }}),
        CAST('1900-01-01' AS DATE))
    {% endif %}
)
select
    CAST(l.invoice_no AS {{ text_type() }}) as invoice_id,
    CAST(l.line_no AS INTEGER) as line_number,
    CAST(l.invoice_date AS DATE) as invoice_date,
{% if target.type == 'sqlserver' %}
    CAST(year(l.invoice_date) * 10000 + month(l.invoice_date) * 100 + day(l.invoice_date) AS INTEGER) as date_key,
{% else %}
    CAST(extract(year from l.invoice_date) * 10000 + extract(month from l.invoice_date) * 100 + extract(day from l.invoice_date) AS INTEGER) as date_key,
{% endif %}
    CAST(d.dist_id AS INTEGER) as account_id,
    CAST(p.product_id AS INTEGER) as product_id,
    CAST(l.warehouse_code AS {{ text_type() }}) as seller_warehouse_code,
    CAST(l.warehouse_name AS {{ text_type() }}) as seller_warehouse_name,
    CAST(l.qty AS INTEGER) as quantity,
    CAST(l.gross_value AS DECIMAL(14, 2)) as gross_amount,
    CAST(l.net_value AS DECIMAL(14, 2)) as net_amount,
    CAST(l.qty * p.unit_weight_kg AS DECIMAL(14, 3)) as billed_weight,
    CAST(l.qty * p.unit_volume_l AS DECIMAL(14, 3)) as billed_volume
from lines as l
left join {{ ref('stg_distributors') }} as d on d.dist_code = l.dist_code
left join {{ ref('stg_products') }} as p on p.sku = l.sku
