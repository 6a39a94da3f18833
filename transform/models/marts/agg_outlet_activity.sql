-- Outlet activity, one row per outlet of dim_customer, for lapsed-outlet detection.
-- A purchase is a SALE line; first/last_purchase_date and active_days (distinct days with
-- a purchase) count only those, and are NULL / 0 for an outlet that never bought.
-- Amounts are signed net sales over every line. last_90_days_net_amount covers the 90 days
-- ending at the newest transaction_date in the data (that day and the 89 before it), not
-- today's date, so the result depends only on the data.
with as_of as (
    select max(transaction_date) as max_date from {{ ref('fact_sales_transactions') }}
),
lines as (
    select
        f.customer_id,
        f.transaction_date,
        f.net_amount,
        t.code,
        case when f.transaction_date > {% if target.type == 'sqlserver' %}dateadd(day, -90, a.max_date){% else %}a.max_date - 90{% endif %} then f.net_amount else 0 end as recent_net
    from {{ ref('fact_sales_transactions') }} as f
    join {{ ref('dim_transaction_type') }} as t on t.transaction_type_id = f.transaction_type_id
    cross join as_of as a
),
per_outlet as (
    select
        customer_id,
        min(case when code = 'SALE' then transaction_date end) as first_purchase_date,
        max(case when code = 'SALE' then transaction_date end) as last_purchase_date,
        count(distinct case when code = 'SALE' then transaction_date end) as active_days,
        sum(net_amount) as lifetime_net_amount,
        sum(recent_net) as last_90_days_net_amount
    from lines
    group by customer_id
)
select
    CAST(c.customer_id AS INTEGER) as customer_id,
    CAST(c.account_id AS INTEGER) as account_id,
    CAST(a.first_purchase_date AS DATE) as first_purchase_date,
    CAST(a.last_purchase_date AS DATE) as last_purchase_date,
    CAST(coalesce(a.active_days, 0) AS INTEGER) as active_days,
    CAST(coalesce(a.lifetime_net_amount, 0) AS DECIMAL(18, 2)) as lifetime_net_amount,
    CAST(coalesce(a.last_90_days_net_amount, 0) AS DECIMAL(18, 2)) as last_90_days_net_amount
from {{ ref('dim_customer') }} as c
left join per_outlet as a on a.customer_id = c.customer_id
