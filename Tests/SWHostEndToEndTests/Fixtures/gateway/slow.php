<?php
sleep(10);
echo "late\n";
