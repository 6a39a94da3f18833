-- Distributors and super stockists, cleaned: one row per dist_id (the latest export wins),
-- codes upper(trim()), names trim(), dist_type in the mart spelling
-- ('Distributor', 'Super Stockist'), zone in title case.
with ranked as (
    select
        src.*,
        row_number() over (partition by dist_id order by exported_at desc) as rn
    from {{ source('raw', 'raw_distributors') }} as src
)
select
    CAST(dist_id AS INTEGER) as dist_id,
    upper(trim(dist_code)) as dist_code,
    trim(dist_name) as dist_name,
    case lower(trim(dist_type))
        when 'distributor' then 'Distributor'
        when 'super stockist' then 'Super Stockist'
        else trim(dist_type)
    end as dist_type,
    trim(city) as city,
    trim(state) as state,
    case lower(trim(zone))
        when 'north' then 'North'
        when 'south' then 'South'
        when 'east' then 'East'
        when 'west' then 'West'
        when 'central' then 'Central'
        else trim(zone)
    end as zone,
    CAST(credit_limit AS DECIMAL(14, 2)) as credit_limit,
    CAST(onboarded_on AS DATE) as onboarded_on,
    exported_at
from ranked
where rn = 1
