import telnetlib
print("€")
