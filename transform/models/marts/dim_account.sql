-- Account (distributor / super stockist) dimension (DESIGN.md): one row per distributor.
select
    CAST(dist_id AS INTEGER) as account_id,
    CAST(dist_name AS {{ text_type() }}) as account_name,
    CAST(dist_type AS {{ text_type() }}) as account_type,
    CAST(city AS {{ text_type() }}) as city,
    CAST(state AS {{ text_type() }}) as state,
    CAST(zone AS {{ text_type() }}) as zone,
    CAST(credit_limit AS DECIMAL(14, 2)) as credit_limit,
    CAST(onboarded_on AS DATE) as onboarded_date
from {{ ref('stg_distributors') }}
