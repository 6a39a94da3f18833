-- Daily net sales by product and outlet state: the grain for brand/state trends and
-- day-level anomaly checks. All transaction types count, with their sign (returns and
-- damages reduce net_amount and quantity); lines counts every line, outlets the distinct
-- buying outlets of the day.
select
    CAST(f.transaction_date AS DATE) as date,
    CAST(f.date_key AS INTEGER) as date_key,
    CAST(f.product_id AS INTEGER) as product_id,
    CAST(p.brand AS {{ text_type() }}) as brand,
    CAST(c.state AS {{ text_type() }}) as state,
    CAST(c.zone AS {{ text_type() }}) as zone,
    CAST(sum(f.net_amount) AS DECIMAL(18, 2)) as net_amount,
    CAST(sum(f.quantity) AS BIGINT) as quantity,
    CAST(count(*) AS BIGINT) as lines,
    CAST(count(distinct f.customer_id) AS BIGINT) as outlets
from {{ ref('fact_sales_transactions') }} as f
join {{ ref('dim_product') }} as p on p.product_id = f.product_id
join {{ ref('dim_customer') }} as c on c.customer_id = f.customer_id
group by f.transaction_date, f.date_key, f.product_id, p.brand, c.state, c.zone
