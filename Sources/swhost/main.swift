print("swhost")
