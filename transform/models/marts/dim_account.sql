-- Account (distributor / super stockist) dimension (DESIGN.md): one row per distributor.
select
    CAST(dist_id AS INTEGER) as account_id,
    CAST(dist_name AS VARCHAR) as account_name,
    CAST(dist_type AS VARCHAR) as account_type,
    CAST(city AS VARCHAR) as city,
    CAST(state AS VARCHAR) as state,
    CAST(zone AS VARCHAR) as zone,
    CAST(credit_limit AS DECIMAL(14, 2)) as credit_limit,
    CAST(onboarded_on AS DATE) as onboarded_date
from {{ ref('stg_distributors') }}
