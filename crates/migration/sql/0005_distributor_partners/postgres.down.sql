DROP TABLE distributor_partners;
