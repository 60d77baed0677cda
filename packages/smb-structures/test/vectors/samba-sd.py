from samba.dcerpc import security
from samba.ndr import ndr_pack
dom = security.dom_sid('S-1-5-21-1004336348-1177238915-682003330')
for sddl in [
 'O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICIIO;GA;;;CO)(A;;0x1200a9;;;WD)(D;;WD;;;AN)',
 'O:S-1-5-21-1004336348-1177238915-682003330-1000G:S-1-22-2-100D:(A;;FA;;;S-1-5-21-1004336348-1177238915-682003330-1000)S:(AU;SAFA;FA;;;WD)',
 'O:SYD:(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)(OA;CIIO;RP;4c164200-20c0-11d0-a768-00aa006e0529;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)(OD;;WP;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)',
]:
    sd = security.descriptor.from_sddl(sddl, dom)
    print(sddl)
    print(ndr_pack(sd).hex())
    print(sd.as_sddl(dom))
s = security.dom_sid('S-1-5-21-1004336348-1177238915-682003330-512')
print(ndr_pack(s).hex())
