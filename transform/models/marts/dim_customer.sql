-- Customer (retail outlet) dimension (DESIGN.md): one row per outlet, with the serving
-- distributor's account_id looked up by its code (left join: an unknown code leaves
-- account_id NULL, which the not_null test reports).
select
    CAST(o.outlet_id AS INTEGER) as customer_id,
    CAST(o.outlet_name AS {{ text_type() }}) as customer_name,
    CAST(o.channel AS {{ text_type() }}) as customer_type,
    CAST(o.city AS {{ text_type() }}) as city,
    CAST(o.state AS {{ text_type() }}) as state,
    CAST(o.zone AS {{ text_type() }}) as zone,
    CAST(d.dist_id AS INTEGER) as account_id,
    CAST(o.onboarded_on AS DATE) as onboarded_date
from {{ ref('stg_outlets') }} as o
left join {{ ref('stg_distributors') }} as d on d.dist_code = o.dist_code
